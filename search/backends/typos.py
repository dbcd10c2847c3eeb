"""Typo tolerance without database support: the closest word among the user's own words (difflib).

Used by SQLite (FTS5 and LIKE) and by PostgreSQL when the ``pg_trgm`` extension could not be
created. Bounded: the words come from the titles, tags and the start of the bodies of the user's
``VOCABULARY_ROWS`` most recently updated items, at most ``VOCABULARY_WORDS`` distinct words. Only
the user's own items are read, so a suggestion never reveals another user's words.
"""

from __future__ import annotations

import difflib

from django.db.models.functions import Substr

from search.models import SearchDocument
from search.query import words_of

VOCABULARY_ROWS = 2000
VOCABULARY_WORDS = 20_000
BODY_CHARS = 500
MIN_LENGTH = 3  # shorter words are too ambiguous to correct
CUTOFF = 0.75  # difflib ratio: "pyhton" -> "python" is 0.83, "cat" -> "car" is 0.67


def vocabulary(user_id: int) -> list[str]:
    """The distinct words of the user's recent items (bounded, see the module docstring)."""
    found: dict[str, None] = {}
    rows = (
        SearchDocument.objects.filter(owner_id=user_id)
        .order_by("-updated_at", "-pk")
        .values_list("title", "tags", Substr("body", 1, BODY_CHARS))[:VOCABULARY_ROWS]
    )
    for parts in rows:
        for word in words_of(" ".join(parts)):
            found.setdefault(word, None)
            if len(found) >= VOCABULARY_WORDS:
                return list(found)
    return list(found)


def closest_words(user_id: int, terms: tuple[str, ...]) -> tuple[str, ...]:
    """Each term, or the closest known word when the term is not one and a close one exists."""
    known = vocabulary(user_id)
    exact = set(known)
    return tuple(_closest(term, known, exact) for term in terms)


def _closest(term: str, known: list[str], exact: set[str]) -> str:
    if len(term) < MIN_LENGTH or term in exact or any(word.startswith(term) for word in exact):
        return term
    matches = difflib.get_close_matches(term, known, n=1, cutoff=CUTOFF)
    return matches[0] if matches else term
