"""The backend contract: every backend ranks, filters, paginates and counts the same way.

``BackendContract`` holds the tests; ``TestDatabaseBackend`` runs them on the backend chosen for the
database the suite uses (PostgreSQL full-text search in CI, SQLite FTS5 locally) and
``TestLikeBackend`` on the LIKE fallback (the SQLite build without FTS5), on the same database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from search import indexing
from search.backends import get_backend
from search.backends.base import SearchBackend
from search.backends.fallback import LikeSearchBackend
from search.forms import SearchForm
from search.query import SearchParams, words
from tests.factories import make_user
from tests.search.conftest import Writer


def run(
    backend: SearchBackend, user: Any, query: str = "", per_page: int = 50, **filters: Any
) -> dict[str, Any]:
    return backend.search(user.pk, SearchParams(terms=words(query), per_page=per_page, **filters))


def ask(backend: SearchBackend, user: Any, query: str) -> dict[str, Any]:
    """A search typed in the query box, operators included (through the search form)."""
    form = SearchForm({"q": query})
    assert form.is_valid(), form.errors
    return backend.search(user.pk, form.params(per_page="50"))


def found(result: dict[str, Any]) -> list[tuple[str, int]]:
    return [(hit["kind"], hit["id"]) for hit in result["hits"]]


def ref(item: Any) -> tuple[str, int]:
    kind = {"Bookmark": "bookmark", "Task": "task", "Note": "note", "StoredFile": "file"}[type(item).__name__]
    return kind, item.pk


def backdate(item: Any, when: dt.datetime) -> None:
    type(item).objects.filter(pk=item.pk).update(created_at=when)
    indexing.sync(ref(item)[0], [item.pk])


@pytest.fixture
def corpus(owner: Any, stranger: Any, write: Writer) -> dict[str, Any]:
    """Seven items of every kind matching "alpha", one that does not, and a stranger's match."""
    items = {
        "bm1": write.bookmark(owner, "Alpha reading list", is_favorite=True, is_read=False, tags=["red"]),
        "bm2": write.bookmark(owner, "Alpha news", is_favorite=False, is_read=True, tags=["Red", "blue"]),
        "t1": write.task(owner, "Alpha chores", status="pending", priority="high", tags=["blue"]),
        "t2": write.task(owner, "Alpha taxes", status="completed", priority="low"),
        "n1": write.note(owner, "Alpha diary", is_pinned=True, tags=["red"]),
        "n2": write.note(owner, "Alpha recipes", is_pinned=False),
        "f1": write.file(owner, "scan.txt", description="Alpha scan of the lease"),
        "other": write.note(owner, "Beta", "nothing to see"),
        "secret": write.note(stranger, "Alpha secret", tags=["red"]),
    }
    return items


def refs(corpus: dict[str, Any], *names: str) -> set[tuple[str, int]]:
    return {ref(corpus[name]) for name in names}


ALPHA = ("bm1", "bm2", "t1", "t2", "n1", "n2", "f1")


class BackendContract:
    @pytest.fixture
    def backend(self) -> SearchBackend:
        raise NotImplementedError

    def test_title_match_ranks_above_tag_match_above_body_match(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        titled = write.note(owner, "Quokka facts", "small marsupials")
        tagged = write.note(owner, "Holiday list", "pack the bags", tags=["quokka"])
        in_body = write.note(owner, "Weekend plans", "maybe we see a quokka on the island")  # the newest
        result = run(backend, owner, "quokka")
        assert found(result) == [ref(titled), ref(tagged), ref(in_body)]

    def test_words_match_as_prefixes_and_all_are_required(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        both = write.note(owner, "Rottnest island", "quokkas everywhere")
        one = write.note(owner, "Island hopping", "ferries")
        assert set(found(run(backend, owner, "isl"))) == {ref(both), ref(one)}
        assert found(run(backend, owner, "ISLAND quok")) == [ref(both)]
        assert found(run(backend, owner, "island zebra")) == []

    def test_punctuation_splits_words_in_text_and_query(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        note = write.note(owner, "Links", "see docs.example.com/getting_started for well-known tips")
        for query in ("example", "getting started", "well-known", "docs.example.com"):
            assert found(run(backend, owner, query)) == [ref(note)], query

    def test_the_url_of_a_bookmark_is_searched(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        bookmark = write.bookmark(owner, "Read later", url="https://wombat.example.org/burrows")
        assert found(run(backend, owner, "burrows")) == [ref(bookmark)]

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            ({}, ALPHA),
            ({"kinds": ("note",)}, ("n1", "n2")),
            ({"kinds": ("bookmark", "task")}, ("bm1", "bm2", "t1", "t2")),
            ({"kinds": ("file",)}, ("f1",)),
            ({"tags": ("red",)}, ("bm1", "bm2", "n1")),
            ({"tags": ("red", "blue")}, ("bm2",)),
            ({"tags": ("nosuchtag",)}, ()),
            ({"favorite": True}, ("bm1",)),
            ({"favorite": False}, ("bm2",)),
            ({"read": True}, ("bm2",)),
            ({"read": False}, ("bm1",)),
            ({"statuses": ("pending",)}, ("t1",)),
            ({"statuses": ("pending", "completed")}, ("t1", "t2")),
            ({"priorities": ("low", "high")}, ("t1", "t2")),
            ({"priorities": ("urgent",)}, ()),
            ({"pinned": True}, ("n1",)),
            ({"pinned": False}, ("n2",)),
            ({"kinds": ("note",), "tags": ("red",)}, ("n1",)),
        ],
    )
    def test_filters_are_exact(
        self,
        backend: SearchBackend,
        owner: Any,
        corpus: dict[str, Any],
        filters: dict[str, Any],
        expected: tuple[str, ...],
    ) -> None:
        result = run(backend, owner, "alpha", **filters)
        assert set(found(result)) == refs(corpus, *expected)
        assert result["total"] == len(expected)

    def test_filters_without_words_browse_newest_first(
        self, backend: SearchBackend, owner: Any, corpus: dict[str, Any]
    ) -> None:
        assert found(run(backend, owner, "", tags=("blue",))) == [ref(corpus["t1"]), ref(corpus["bm2"])]
        everything = run(backend, owner)
        assert everything["total"] == len(ALPHA) + 1  # the stranger's items are not there
        assert found(everything)[0] == ref(corpus["other"])

    def test_date_range_is_inclusive_in_the_current_time_zone(
        self, backend: SearchBackend, owner: Any, corpus: dict[str, Any]
    ) -> None:
        zone = timezone.get_current_timezone()
        backdate(corpus["n2"], dt.datetime(2020, 1, 15, 23, 30, tzinfo=zone))
        backdate(corpus["bm1"], dt.datetime(2021, 6, 1, 0, 0, tzinfo=zone))
        jan15, jan16 = dt.date(2020, 1, 15), dt.date(2020, 1, 16)
        assert set(
            found(run(backend, owner, "alpha", since=dt.date(2020, 1, 1), until=dt.date(2020, 12, 31)))
        ) == refs(corpus, "n2")
        assert set(found(run(backend, owner, "alpha", until=jan15))) == refs(corpus, "n2")
        assert refs(corpus, "n2").isdisjoint(found(run(backend, owner, "alpha", since=jan16)))
        assert set(
            found(run(backend, owner, "alpha", since=dt.date(2021, 6, 1), until=dt.date(2021, 6, 1)))
        ) == refs(corpus, "bm1")

    def test_pages_are_exact_and_clamped(
        self, backend: SearchBackend, owner: Any, corpus: dict[str, Any]
    ) -> None:
        every = found(run(backend, owner, "alpha", per_page=50))
        pages = [run(backend, owner, "alpha", per_page=3, page=n) for n in (1, 2, 3)]
        assert [len(page["hits"]) for page in pages] == [3, 3, 1]
        assert [hit for page in pages for hit in found(page)] == every  # same order, no gaps, no repeats
        assert {page["pages"] for page in pages} == {3}
        beyond = run(backend, owner, "alpha", per_page=3, page=99)
        assert (beyond["page"], found(beyond)) == (3, found(pages[2]))

    def test_counts_per_kind_equal_the_true_counts_and_ignore_the_kind_filter(
        self, backend: SearchBackend, owner: Any, corpus: dict[str, Any]
    ) -> None:
        expected = {"bookmark": 2, "task": 0, "note": 1, "file": 0}
        everywhere = run(backend, owner, "alpha", tags=("red",))
        notes_only = run(backend, owner, "alpha", tags=("red",), kinds=("note",))
        assert everywhere["counts"] == notes_only["counts"] == expected
        assert (everywhere["total"], notes_only["total"]) == (3, 1)
        assert run(backend, owner, "")["counts"] == {"bookmark": 2, "task": 2, "note": 3, "file": 1}

    def test_another_users_items_never_match(
        self, backend: SearchBackend, stranger: Any, corpus: dict[str, Any]
    ) -> None:
        result = run(backend, stranger, "alpha")
        assert found(result) == [ref(corpus["secret"])]
        assert result["counts"]["note"] == 1
        assert found(run(backend, make_user(), "alpha")) == []

    def test_highlights_mark_the_matching_words(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        titled = write.note(owner, "Quokka facts", "Marsupials of Rottnest")
        write.note(owner, "Island", "A <b>quokka smiles & waves")
        hits = {hit["id"]: hit for hit in run(backend, owner, "quok")["hits"]}
        title = hits.pop(titled.pk)["title_segments"]
        assert title[0] == ["Quokka", True] and "".join(text for text, _ in title) == "Quokka facts"
        (body_hit,) = hits.values()
        marked = [text for text, is_marked in body_hit["snippet_segments"] if is_marked]
        assert marked and all(text.lower().startswith("quok") for text in marked)
        # Raw text (escaping is the page's job); PostgreSQL's ts_headline drops HTML tags.
        assert "".join(text for text, _ in body_hit["snippet_segments"]).endswith("quokka smiles & waves")

    @pytest.mark.parametrize(
        "query",
        ['"quokka', "quok*", "a:b", "x & y", "|", "!quokka", "(quokka)", "quo\x00kka", "'", "\\", "NEAR(a b)",
         "AND OR NOT", "-quokka", "^", "{title}: x", "%", "_", "quokka'); DROP TABLE x; --", "\u200b",
         "\uff51\uff55\uff4f\uff4b\uff4b\uff41"],
    )  # fmt: skip
    def test_query_syntax_characters_are_plain_text(
        self, backend: SearchBackend, owner: Any, write: Writer, query: str
    ) -> None:
        note = write.note(owner, "Quokka", "marsupial")
        result = run(backend, owner, query)
        if words(query) == ("quokka",):  # the syntax around the word is ignored
            assert found(result) == [ref(note)]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("alpha tag:red", ("bm1", "bm2", "n1")),
            ("alpha tag:RED tag:blue", ("bm2",)),
            ("alpha is:fav", ("bm1",)),
            ("alpha is:unread", ("bm1",)),
            ("alpha is:read", ("bm2",)),
            ("alpha is:pinned", ("n1",)),
            ("alpha type:note", ("n1", "n2")),
            ("type:tasks alpha type:file", ("t1", "t2", "f1")),
            ("type:note tag:red", ("n1",)),
            ("alpha -diary -recipes type:note", ()),
            ("alpha -chor -taxes -scan -lease", ("bm1", "bm2", "n1", "n2")),
            ("-alpha", ("other",)),
            ('"alpha diary"', ("n1",)),
            ('"diary alpha"', ()),
            ('alpha -"reading list"', ("bm2", "t1", "t2", "n1", "n2", "f1")),
        ],
    )
    def test_query_operators(
        self,
        backend: SearchBackend,
        owner: Any,
        corpus: dict[str, Any],
        query: str,
        expected: tuple[str, ...],
    ) -> None:
        result = ask(backend, owner, query)
        assert set(found(result)) == refs(corpus, *expected)
        assert result["total"] == len(expected)

    def test_a_parent_tag_includes_its_children(
        self, backend: SearchBackend, owner: Any, write: Writer
    ) -> None:
        child = write.bookmark(owner, "Typing", tags=["dev/python"])
        grandchild = write.note(owner, "Asyncio", tags=["dev/python/async"])
        parent = write.note(owner, "Editors", tags=["dev"])
        write.note(owner, "Pipelines", tags=["devops"])
        assert set(found(ask(backend, owner, "tag:dev"))) == {ref(child), ref(grandchild), ref(parent)}
        assert set(found(ask(backend, owner, "tag:dev/python"))) == {ref(child), ref(grandchild)}
        assert set(found(run(backend, owner, tags=("dev/python",)))) == {ref(child), ref(grandchild)}

    def test_a_typo_finds_the_closest_word_of_the_users_items(
        self, backend: SearchBackend, owner: Any, stranger: Any, write: Writer
    ) -> None:
        note = write.note(owner, "Quokka facts", "small marsupials")
        write.note(stranger, "Wombats", "burrowing marsupial")
        result = run(backend, owner, "quokak facts")
        assert found(result) == [ref(note)]
        assert result["corrected"] == ["quokka", "facts"]
        exact = run(backend, owner, "quokka")
        assert (found(exact), exact["corrected"]) == ([ref(note)], [])
        nothing = run(backend, owner, "wombtas")  # only the stranger has that word
        assert (found(nothing), nothing["corrected"]) == ([], [])


class TestDatabaseBackend(BackendContract):
    @pytest.fixture
    def backend(self, db: None) -> SearchBackend:
        return get_backend()

    def test_the_vendor_gets_its_full_text_backend(self, backend: SearchBackend) -> None:
        assert backend.name == {"postgresql": "postgresql", "sqlite": "sqlite-fts5"}[connection.vendor]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
class TestPostgresWithoutTrigrams(BackendContract):
    """The typo fallback when migration 0002 could not create pg_trgm."""

    @pytest.fixture
    def backend(self, db: None) -> SearchBackend:
        from search.backends.postgres import PostgresSearchBackend

        return PostgresSearchBackend(trigrams=False)

    def test_the_database_has_the_extension_otherwise(self, db: None) -> None:
        from search.backends.postgres import PostgresSearchBackend

        assert PostgresSearchBackend().has_trigrams()


class TestLikeBackend(BackendContract):
    @pytest.fixture
    def backend(self) -> SearchBackend:
        return LikeSearchBackend()
