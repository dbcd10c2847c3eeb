"""A validated search: the words to look for, the filters, the page; and how text becomes words.

User text never reaches a full-text parser as syntax: ``words`` keeps only runs of letters and digits
(quotes, ``*``, ``:``, ``&``, ``|``, ``!``, parentheses, control characters and NUL bytes are word
breaks), lowercased and capped, and each backend builds its own query from those words. Punctuation
splits words the same way in both indexes (see migration 0001), so ``example.com`` is two words
everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass

from core.redis import keys

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
MAX_TAGS = 10
PAGE_SIZE = 20
MAX_PER_PAGE = 50
MAX_PAGE = 1000  # deeper pages are clamped: nobody reads result 20,000, and OFFSET costs grow

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> tuple[str, ...]:
    """The distinct, lowercased words of ``text`` in order, at most ``MAX_WORDS``."""
    found: dict[str, None] = {}
    for match in _WORD.finditer(text):
        found.setdefault(match.group().lower(), None)
        if len(found) == MAX_WORDS:
            break
    return tuple(found)


def count_words(text: str) -> int:
    """How many distinct words ``text`` has (``words`` keeps the first ``MAX_WORDS``)."""
    return len({match.group().lower() for match in _WORD.finditer(text)})


@dataclass(frozen=True)
class SearchParams:
    """One search. Empty ``terms`` means "browse": every item the filters allow, newest first.

    ``kinds`` empty means every kind. ``tags`` are lowercased names, all required. Flag filters
    (``favorite``, ``read``, ``pinned``) and ``statuses``/``priorities`` imply their kind.
    """

    terms: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    favorite: bool | None = None
    read: bool | None = None
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    pinned: bool | None = None
    page: int = 1
    per_page: int = PAGE_SIZE

    def digest(self) -> str:
        """A stable digest of everything that shapes the result (the cache key's last part)."""
        canonical = asdict(self)
        for name in ("kinds", "tags", "statuses", "priorities"):
            canonical[name] = sorted(canonical[name])
        return keys.digest(json.dumps(canonical, sort_keys=True, default=str))

    @property
    def filtered(self) -> bool:
        """Is anything other than the words and the page narrowing the result?"""
        return bool(
            self.kinds
            or self.tags
            or self.since
            or self.until
            or self.statuses
            or self.priorities
            or self.favorite is not None
            or self.read is not None
            or self.pinned is not None
        )


def clamp_int(raw: str | None, default: int, low: int, high: int) -> int:
    """A lenient integer from a query string: malformed means ``default``, out of range is clamped."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return max(low, min(high, value))
