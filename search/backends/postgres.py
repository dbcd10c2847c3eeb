"""PostgreSQL full-text search over the generated, GIN-indexed ``search_vector`` column.

Words become a prefix ``tsquery`` (``'pyth':* & 'tip':*``) through ``to_tsquery`` in the ``simple``
configuration; the words are letters and digits only (search.query), so no user text is ever parsed
as tsquery syntax. Ranking is ``ts_rank`` with weights title A=1.0, tags B=0.4, body C=0.2, URL
D=0.1; highlights come from ``ts_headline``, which PostgreSQL evaluates only for the rows of the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db.models import BooleanField, Expression, F, Func, QuerySet

from search.backends.base import ROW_FIELDS, START, STOP, SearchBackend, marked_segments
from search.models import TEXT_CONFIG, VECTOR_COLUMN, SearchDocument

RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]  # D (URL), C (body), B (tags), A (title)


class VectorColumn(Expression):
    """``search_vector`` of the queried table: made by migration 0001, so not a model field."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(VECTOR_COLUMN)}", []


class Matches(Func):
    """``vector @@ query``."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def tsquery(terms: tuple[str, ...]) -> SearchQuery:
    return SearchQuery(" & ".join(f"{term}:*" for term in terms), config=TEXT_CONFIG, search_type="raw")


class PostgresSearchBackend(SearchBackend):
    name = "postgresql"

    def match(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        return rows.filter(Matches(VectorColumn(), tsquery(terms)))

    def ranked(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> QuerySet[SearchDocument]:
        rank = SearchRank(VectorColumn(), tsquery(terms), weights=RANK_WEIGHTS)
        return rows.annotate(rank=rank).order_by("-rank", "-updated_at", "-pk")

    def marked_rows(self, rows: QuerySet[SearchDocument], terms: tuple[str, ...]) -> list[dict[str, Any]]:
        query = tsquery(terms)
        marked_title = SearchHeadline(
            F("title"), query, config=TEXT_CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True
        )
        snippet = SearchHeadline(
            F("body"),
            query,
            config=TEXT_CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=30,
            min_words=12,
            fragment_delimiter=" … ",
        )
        return [
            {
                **row,
                "title_segments": marked_segments(row["marked_title"]),
                "snippet_segments": marked_segments(" ".join(row["snippet"].split())),
            }
            for row in rows.values(*ROW_FIELDS, marked_title=marked_title, snippet=snippet)
        ]
