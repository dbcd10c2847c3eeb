"""``/api/v1/search``: the search of the search page, through its public selector, limited to the
kinds the token may read (hits, counts and totals of other kinds are never shown)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from api import scopes
from api.v1 import common
from api.v1.auth import TokenBearer, token_of
from api.v1.errors import ApiError
from api.v1.fields import TagName, Text
from search import selectors
from search.forms import SearchForm
from search.models import KINDS as SEARCHABLE
from search.query import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, PAGE_SIZE
from search.templatetags.search_extras import highlighted

router = Router(tags=["search"])
Kind = Literal["bookmark", "task", "note", "file"]


class SearchParamsIn(Schema):
    q: Text = Field(
        "", max_length=MAX_QUERY_LENGTH * 4, description="Words to find; empty lists newest first."
    )
    kind: list[Kind] = Field([], description="Only these kinds (repeat the parameter).")
    tag: list[TagName] = Field([], max_length=10, description="Items carrying all these tags.")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(PAGE_SIZE, ge=1, le=MAX_PER_PAGE)


class Hit(Schema):
    kind: Kind
    id: int
    title: str
    title_html: str = Field(description="The title, escaped, with matched words in <mark>.")
    snippet_html: str = Field(description="The best passage, escaped, with matched words in <mark>.")
    link: str | None = Field(description="A bookmark's address.")
    tags: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    web_url: str


class SearchOut(Schema):
    query: str
    words: list[str]
    total: int
    page: int
    pages: int
    per_page: int
    counts: dict[str, int] = Field(description="Matches per kind, for the kinds this token may read.")
    notices: list[str]
    hits: list[Hit]


@router.get(
    "",
    response={200: SearchOut, **common.AUTH_ERRORS},
    auth=TokenBearer(),
    summary="Search",
    description="Needs the read scope of at least one kind; searches only the kinds the token may read.",
)
def search(request: HttpRequest, params: Query[SearchParamsIn]) -> dict[str, object]:
    readable = [kind for kind in scopes.readable_kinds(token_of(request).scopes) if kind in SEARCHABLE]
    kinds = [kind for kind in (params.kind or readable) if kind in readable]
    if not kinds:
        raise ApiError(403, "insufficient_scope", "This token may not read any of the kinds searched.")
    form = SearchForm({"q": params.q, "kind": kinds, "tag": params.tag})
    if not form.is_valid():
        fields = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
        raise ApiError(422, "invalid", "Some values are not valid.", fields)
    search_params = form.params(str(params.page), str(params.per_page))
    result = selectors.search(request.user.pk, search_params)
    return {
        "query": form.cleaned_data["q"],
        "words": list(search_params.terms),
        **{name: result[name] for name in ("total", "page", "pages", "per_page")},
        "counts": {kind: count for kind, count in result["counts"].items() if kind in kinds},
        "notices": form.notices,
        "hits": [_hit(hit) for hit in result["hits"]],
    }


def _hit(hit: dict[str, object]) -> dict[str, object]:
    return {
        **hit,
        "title_html": str(highlighted(hit["title_segments"])),  # type: ignore[arg-type]
        "snippet_html": str(highlighted(hit["snippet_segments"])),  # type: ignore[arg-type]
        "link": hit["link"] or None,
        "web_url": hit["url"],
    }
