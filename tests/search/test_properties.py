"""Property tests on the backend in use: no query string ever raises, and indexed text is found by
its own words."""

from __future__ import annotations

import string
from itertools import count
from typing import Any

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.models import Note
from search import indexing
from search.backends import get_backend
from search.forms import SearchForm
from search.models import SearchDocument
from search.query import MAX_WORDS, SearchParams, words
from search.templatetags.search_extras import highlighted
from tests.search.conftest import Writer

SYNTAX = list("\"'*:&|!()-^{}[]%_\\<>@#~+,.;/ \t\n\r\x00\x01\x02\x03\x1b\x7f")
QUERIES = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(SYNTAX)), max_size=400)
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ids = count(10**9)


@PROPERTY
@given(query=QUERIES)
def test_any_query_string_searches_without_raising(owner: Any, write: Writer, query: str) -> None:
    if not SearchDocument.objects.filter(owner=owner).exists():
        write.note(owner, "Quokka (the *real* one): 100% café", 'A & B | !C "quoted" naïve')
        write.bookmark(owner, "Ümlaut & Привет", url="https://example.org/?q=a:b")
    form = SearchForm({"q": query})
    assert form.is_valid()
    params = form.params()
    assert len(params.terms) <= MAX_WORDS and all(term.isalnum() for term in params.terms)
    result = get_backend().search(owner.pk, params)
    for hit in result["hits"]:
        highlighted(hit["title_segments"])
        highlighted(hit["snippet_segments"])
    params.digest()


TEXT = st.text(
    alphabet=st.sampled_from(
        list(string.ascii_letters + string.digits + "éüßøЖжЯя" + string.punctuation + " \t\n\x00\x02\x7f")
    ),
    min_size=1,
    max_size=120,
)


@PROPERTY
@given(title=TEXT, body=TEXT)
def test_indexed_text_is_found_by_its_own_words(owner: Any, title: str, body: str) -> None:
    now = timezone.now()
    item = Note(pk=next(_ids), owner_id=owner.pk, title=title, content=body, created_at=now, updated_at=now)
    document = indexing.document_for("note", item, [])
    document.save()
    for text in (title, body):
        terms = words(indexing.clean(text))
        if terms:
            hits = get_backend().search(owner.pk, SearchParams(terms=terms, per_page=50))["hits"]
            assert item.pk in [hit["id"] for hit in hits], (text, terms)
    document.delete()
