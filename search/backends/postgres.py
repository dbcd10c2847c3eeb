"""PostgreSQL full-text search over the generated, GIN-indexed ``search_vector`` column.

Words become a prefix ``tsquery`` (``'pyth':* & 'tip':*``) through ``to_tsquery`` in the ``simple``
configuration; the words are letters and digits only (search.query), so no user text is ever parsed
as tsquery syntax. Ranking is ``ts_rank`` with weights title A=1.0, tags B=0.4, body C=0.2, URL
D=0.1; highlights come from ``ts_headline``, which PostgreSQL evaluates only for the rows of the page.
A phrase is ``'a' <-> 'b'``. Typo tolerance uses ``pg_trgm`` (migration 0002 creates it when the
database role may) over the user's own words (``ts_stat``); without the extension it falls back to
search.backends.typos.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
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


def phrase_query(phrase: tuple[str, ...]) -> SearchQuery:
    return SearchQuery(" <-> ".join(phrase), config=TEXT_CONFIG, search_type="raw")


# For each term (in order): itself when it is a word, or the prefix of one, of the user's items;
# else the most similar word (pg_trgm's % operator: similarity above pg_trgm.similarity_threshold).
# The ts_stat argument is a query text built from an integer user id only.
_SUGGEST_SQL = """
WITH vocabulary AS MATERIALIZED (SELECT word FROM ts_stat(%s))
SELECT CASE
    WHEN EXISTS (SELECT 1 FROM vocabulary WHERE word LIKE term || '%%') THEN term
    ELSE COALESCE(
        (SELECT word FROM vocabulary WHERE word %% term ORDER BY similarity(word, term) DESC, word LIMIT 1),
        term)
END
FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n) ORDER BY n
"""


class PostgresSearchBackend(SearchBackend):
    name = "postgresql"

    def __init__(self, trigrams: bool | None = None) -> None:
        self._trigrams = trigrams  # None: ask the database once

    def has_trigrams(self) -> bool:
        if self._trigrams is None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
                self._trigrams = cursor.fetchone() is not None
        return self._trigrams

    def suggest(self, user_id: int, terms: tuple[str, ...]) -> tuple[str, ...]:
        if not self.has_trigrams():
            return super().suggest(user_id, terms)
        table = connection.ops.quote_name(SearchDocument._meta.db_table)
        stat = f"SELECT {VECTOR_COLUMN} FROM {table} WHERE owner_id = {int(user_id)}"
        with connection.cursor() as cursor:
            cursor.execute(_SUGGEST_SQL, [stat, list(terms)])
            return tuple(row[0] for row in cursor.fetchall())

    def match_phrase(
        self, rows: QuerySet[SearchDocument], phrase: tuple[str, ...]
    ) -> QuerySet[SearchDocument]:
        return rows.filter(Matches(VectorColumn(), phrase_query(phrase)))

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
