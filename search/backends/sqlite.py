"""SQLite FTS5 search over ``search_fts`` (external content, kept in sync by triggers).

Words become an FTS5 query of quoted prefix terms (``"pyth"* "tip"*``: all must match); the words are
letters and digits only (search.query), so no user text is parsed as FTS5 syntax. Ranking is
``bm25`` with column weights title 10, tags 4, body 1, URL 0.5 (lower is better in FTS5);
highlights come from ``highlight()`` and ``snippet()``. The table is reached through the ``fts``
relation as an INNER JOIN: FTS5 refuses MATCH on the nullable side of a LEFT JOIN. A phrase is
the FTS5 phrase ``"a b"``, matched in a subquery (one MATCH per table scan).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, FloatField, Func, Lookup, QuerySet, TextField, Value

from search.backends.base import ROW_FIELDS, START, STOP, SearchBackend, marked_segments
from search.models import Fts5TableColumn, FtsEntry, SearchDocument

BM25_WEIGHTS = (10.0, 4.0, 1.0, 0.5)  # title, tags, body, url (the FTS5 column order)
TITLE_COLUMN, BODY_COLUMN = 0, 2
SNIPPET_TOKENS = 24


@Fts5TableColumn.register_lookup
class Fts5Match(Lookup):
    """``<table> MATCH <query>`` on the table's hidden column."""

    lookup_name = "match"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


def fts_query(terms: tuple[str, ...]) -> str:
    return " ".join(f'"{term}"*' for term in terms)


class Fts5SearchBackend(SearchBackend):
    name = "sqlite-fts5"

    def match(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        return rows.filter(fts__table__match=fts_query(terms))

    def match_phrase(
        self, rows: QuerySet[SearchDocument], phrase: tuple[str, ...]
    ) -> QuerySet[SearchDocument]:
        found = FtsEntry.objects.filter(table__match='"' + " ".join(phrase) + '"').values("document_id")
        return rows.filter(pk__in=found)

    def ranked(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        weights = [Value(weight) for weight in BM25_WEIGHTS]
        rank = Func(F("fts__table"), *weights, function="bm25", output_field=FloatField())
        return rows.annotate(rank=rank).order_by("rank", "-updated_at", "-pk")

    def marked_rows(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> list[dict[str, Any]]:
        marked_title = Func(
            F("fts__table"), Value(TITLE_COLUMN), Value(START), Value(STOP),
            function="highlight", output_field=TextField(),
        )  # fmt: skip
        snippet = Func(
            F("fts__table"), Value(BODY_COLUMN), Value(START), Value(STOP),
            Value(" … "), Value(SNIPPET_TOKENS),
            function="snippet", output_field=TextField(),
        )  # fmt: skip
        return [
            {
                **row,
                "title_segments": marked_segments(row["marked_title"] or ""),
                "snippet_segments": marked_segments(" ".join((row["snippet"] or "").split())),
            }
            for row in rows.values(*ROW_FIELDS, marked_title=marked_title, snippet=snippet)
        ]
