"""LIKE search, for SQLite builds without FTS5 (and any vendor without a dedicated backend).

Correct but unindexed: every word must appear (case-insensitively, anywhere in a word) in the title,
tags, body or URL. The rank adds 8 per word found in the title, 4 in the tags, 2 in the body, 1 in
the URL. A phrase is its words with single spaces, anywhere. Highlights are made here in Python, for
the rows of the page only.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import add, or_
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from search.backends.base import EXCERPT_CHARS, ROW_FIELDS, SearchBackend, Segments
from search.models import SearchDocument

COLUMN_POINTS = (("title", 8), ("tags", 4), ("body", 2), ("url", 1))


def _marked(text: str, terms: tuple[str, ...]) -> Segments:
    """``text`` split into segments, with every word containing a term marked (as FTS marks words)."""
    alternatives = "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"[^\W_]*(?:{alternatives})[^\W_]*", re.I)
    segments: Segments = []
    position = 0
    for found in pattern.finditer(text):
        if found.start() > position:
            segments.append([text[position : found.start()], False])
        segments.append([found.group(), True])
        position = found.end()
    if position < len(text):
        segments.append([text[position:], False])
    return segments


def _window(body: str, terms: tuple[str, ...]) -> str:
    """About ``EXCERPT_CHARS`` characters of the body around the first term found."""
    flat = " ".join(body.split())
    lowered = flat.lower()
    first = min((i for i in (lowered.find(term) for term in terms) if i >= 0), default=0)
    start = max(0, first - EXCERPT_CHARS // 3)
    window = flat[start : start + EXCERPT_CHARS]
    return ("… " if start else "") + window + (" …" if start + EXCERPT_CHARS < len(flat) else "")


class LikeSearchBackend(SearchBackend):
    name = "like"

    def match(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        for term in terms:
            anywhere = [Q(**{f"{column}__icontains": term}) for column, _ in COLUMN_POINTS]
            rows = rows.filter(reduce(or_, anywhere))
        return rows

    def match_phrase(
        self, rows: QuerySet[SearchDocument], phrase: tuple[str, ...]
    ) -> QuerySet[SearchDocument]:
        text = " ".join(phrase)
        return rows.filter(reduce(or_, [Q(**{f"{column}__icontains": text}) for column, _ in COLUMN_POINTS]))

    def ranked(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        points = [
            Case(
                When(**{f"{column}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for term in terms
            for column, weight in COLUMN_POINTS
        ]
        rank = reduce(add, points)
        return rows.annotate(rank=rank).order_by("-rank", "-updated_at", "-pk")

    def marked_rows(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "title_segments": _marked(row["title"], terms),
                "snippet_segments": _marked(_window(row["body"], terms), terms),
            }
            for row in rows.values(*ROW_FIELDS, "body")
        ]
