"""The search backend contract, and what every vendor shares: filters, per-kind counts, pages, hits.

A search is two queries, whatever the backend: one ``GROUP BY kind`` over the matching rows (the
per-kind counts, ignoring the kind filter; the total is their sum over the selected kinds) and one
ranked, sliced page. Vendors supply three things: ``match`` (rows containing every word, as a
prefix), ``ranked`` (best first) and ``marked_rows`` (title and snippet with highlight markers made
by the database). Highlights travel as segments, ``[[text, marked], ...]``: markers are control
characters the indexer strips from content, so user text can never forge one, and templates
escape every segment.

Operators (search.query): excluded words remove the rows the vendor's ``match`` finds for them (a
subquery, so it works without positive words too); phrases go through the vendor's
``match_phrase``; a tag filter includes the tag's children (``dev`` includes ``dev/python``).
Typo tolerance: when words find nothing, ``suggest`` maps each word to the closest word of the
user's own items (search.backends.typos), and the search runs once more with those; the result says
so in ``corrected``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, ClassVar

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from search.backends import typos
from search.models import KINDS, DocumentTag, SearchDocument
from search.query import SearchParams

START, STOP = "\x02", "\x03"
EXCERPT_CHARS = 240
ROW_FIELDS = (
    "kind",
    "object_id",
    "title",
    "tags",
    "url",
    "created_at",
    "updated_at",
    "is_favorite",
    "is_read",
    "status",
    "priority",
    "is_pinned",
)

Segments = list[list[Any]]


def marked_segments(text: str) -> Segments:
    """Split text with START/STOP markers into ``[[text, marked], ...]`` (unbalanced markers are
    tolerated: a STOP without START is ignored, an unclosed START ends with the text)."""
    segments: Segments = []
    marked = False
    for part in re.split(f"([{START}{STOP}])", text):
        if part == START:
            marked = True
        elif part == STOP:
            marked = False
        elif part:
            segments.append([part, marked])
    return segments


def plain_segments(text: str) -> Segments:
    return [[text, False]] if text else []


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``text`` on one line, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


class SearchBackend(ABC):
    """Searches ``SearchDocument`` rows of one owner."""

    name: ClassVar[str]

    @abstractmethod
    def match(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        """Only the rows containing every term (as a word prefix) in title, tags, body or URL."""

    @abstractmethod
    def match_phrase(
        self, rows: QuerySet[SearchDocument], phrase: tuple[str, ...]
    ) -> QuerySet[SearchDocument]:
        """Only the rows containing the words of ``phrase`` next to each other, in this order."""

    def suggest(self, user_id: int, terms: tuple[str, ...]) -> tuple[str, ...]:
        """``terms`` with each word replaced by the closest word of the user's items (typo tolerance)."""
        return typos.closest_words(user_id, terms)

    @abstractmethod
    def ranked(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        """Matched rows, best first: title matches above tag matches above body matches."""

    @abstractmethod
    def marked_rows(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> list[dict[str, Any]]:
        """``ROW_FIELDS`` of a ranked page, plus ``title_segments`` and ``snippet_segments``."""

    def search(self, user_id: int, params: SearchParams) -> dict[str, Any]:
        """One page of ``user_id``'s matching items, per-kind counts and the compute time (ms)."""
        started = time.perf_counter()
        rows, counts = self._matching(user_id, params, params.terms)
        corrected: tuple[str, ...] = ()
        if params.terms and not any(counts.values()) and not params.phrases:
            suggested = self.suggest(user_id, params.terms)
            if suggested != params.terms:
                rows, counts = self._matching(user_id, params, suggested)
                params = replace(params, terms=suggested)
                corrected = suggested
        total = sum(counts[kind] for kind in params.kinds or KINDS)
        pages = max(1, math.ceil(total / params.per_page))
        page = min(params.page, pages)
        hits: list[dict[str, Any]] = []
        if total:
            if params.kinds:
                rows = rows.filter(kind__in=params.kinds)
            start = (page - 1) * params.per_page
            if params.terms:
                window = self.ranked(rows, params.terms)[start : start + params.per_page]
                hits = [self.hit(row) for row in self.marked_rows(window, params.terms)]
            else:
                window = rows.order_by("-updated_at", "-pk")[start : start + params.per_page]
                hits = [self.hit(row) for row in browse_rows(window)]
        return {
            "total": total,
            "page": page,
            "pages": pages,
            "per_page": params.per_page,
            "counts": counts,
            "hits": hits,
            "corrected": list(corrected),
            "backend": self.name,
            "compute_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    def _matching(
        self, user_id: int, params: SearchParams, terms: tuple[str, ...]
    ) -> tuple[QuerySet[SearchDocument], dict[str, int]]:
        """The rows matching ``terms`` and everything else in ``params``, and their per-kind counts."""
        owned = SearchDocument.objects.filter(owner_id=user_id)
        rows = self.filtered(owned, user_id, params)
        if terms:
            rows = self.match(rows, terms)
        for phrase in params.phrases:
            rows = self.match_phrase(rows, phrase)
        for word in params.excluded:
            rows = rows.exclude(pk__in=self.match(owned, (word,)).values("pk"))
        found = dict(rows.order_by().values_list("kind").annotate(n=Count("pk")))
        return rows, {kind: int(found.get(kind, 0)) for kind in KINDS}

    @staticmethod
    def filtered(
        rows: QuerySet[SearchDocument], user_id: int, params: SearchParams
    ) -> QuerySet[SearchDocument]:
        """Every filter except the kinds (the per-kind counts ignore those)."""
        for name in params.tags:
            family = Q(name=name) | Q(name__startswith=f"{name}/")  # a parent tag includes its children
            tagged = DocumentTag.objects.filter(family, owner_id=user_id).values("document_id")
            rows = rows.filter(pk__in=tagged)
        zone = timezone.get_current_timezone()
        if params.since:
            rows = rows.filter(created_at__gte=dt.datetime.combine(params.since, dt.time.min, tzinfo=zone))
        if params.until:
            after = params.until + dt.timedelta(days=1)
            rows = rows.filter(created_at__lt=dt.datetime.combine(after, dt.time.min, tzinfo=zone))
        for flag in ("favorite", "read", "pinned"):
            value = getattr(params, flag)
            if value is not None:
                rows = rows.filter(**{f"is_{flag}": value})
        if params.statuses:
            rows = rows.filter(status__in=params.statuses)
        if params.priorities:
            rows = rows.filter(priority__in=params.priorities)
        return rows

    @staticmethod
    def hit(row: dict[str, Any]) -> dict[str, Any]:
        """A result as plain data (cached as is): ``id`` is the item's pk, ``link`` a bookmark's URL."""
        return {
            "kind": row["kind"],
            "id": row["object_id"],
            "title": row["title"],
            "title_segments": row["title_segments"],
            "snippet_segments": row["snippet_segments"],
            "link": row["url"],
            "tags": [name for name in row["tags"].split("\n") if name],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "is_favorite": row["is_favorite"],
            "is_read": row["is_read"],
            "status": row["status"],
            "priority": row["priority"],
            "is_pinned": row["is_pinned"],
        }


def browse_rows(rows: QuerySet[SearchDocument]) -> list[dict[str, Any]]:
    """Rows of a page without search words: plain title and the start of the body."""
    return [
        {
            **row,
            "title_segments": plain_segments(row["title"]),
            "snippet_segments": plain_segments(excerpt(row["start"])),
        }
        for row in rows.values(*ROW_FIELDS, start=Substr("body", 1, EXCERPT_CHARS * 2))
    ]
