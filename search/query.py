"""A validated search: the words to look for, the filters, the page; how text becomes words; and
the operators of the query box (``tag:``, ``is:``, ``type:``, ``-word``, ``"a phrase"``).

User text never reaches a full-text parser as syntax: ``words`` keeps only runs of letters and digits
(quotes, ``*``, ``:``, ``&``, ``|``, ``!``, parentheses, control characters and NUL bytes are word
breaks), lowercased and capped, and each backend builds its own query from those words. Punctuation
splits words the same way in both indexes (see migration 0001), so ``example.com`` is two words
everywhere.

``parse`` reads the operators first and returns the rest as free text: an operator is a token of its
own (``tag:dev/python``, ``is:fav``, ``type:note``), ``-word`` excludes items with that word, and
``"two words"`` requires them next to each other. Unknown operator values are errors the form shows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field

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


def words_of(text: str) -> list[str]:
    """Every lowercased word of ``text``, repeats included, no cap (vocabularies)."""
    return [match.group().lower() for match in _WORD.finditer(text)]


def count_words(text: str) -> int:
    """How many distinct words ``text`` has (``words`` keeps the first ``MAX_WORDS``)."""
    return len({match.group().lower() for match in _WORD.finditer(text)})


KIND_ALIASES = {
    "bookmark": "bookmark", "bookmarks": "bookmark", "link": "bookmark", "links": "bookmark",
    "task": "task", "tasks": "task", "todo": "task",
    "note": "note", "notes": "note",
    "file": "file", "files": "file",
}  # fmt: skip
IS_FLAGS = {
    "fav": ("favorite", True), "favorite": ("favorite", True), "favourite": ("favorite", True),
    "unread": ("read", False), "read": ("read", True),
    "pinned": ("pinned", True),
}  # fmt: skip
_TOKEN = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_OPERATOR = re.compile(r"(?P<name>tag|is|type):(?P<value>\S+)", re.I)


@dataclass
class ParsedQuery:
    """What the query box asked for: free text, excluded words, phrases and operator filters."""

    text: str = ""
    excluded: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    flags: dict[str, bool] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def parse(query: str) -> ParsedQuery:
    """Split the query box's text into operators and free text (see the module docstring)."""
    parsed = ParsedQuery()
    free: list[str] = []
    excluded: dict[str, None] = {}
    phrases: dict[tuple[str, ...], None] = {}
    tags: dict[str, None] = {}
    kinds: dict[str, None] = {}
    for token in _TOKEN.finditer(query):
        if token.group("phrase") is not None:
            phrase = words(token.group("phrase"))
            if token.group("neg"):
                excluded.update(dict.fromkeys(phrase))
            elif len(phrase) > 1:
                phrases.setdefault(phrase, None)
                free.append(" ".join(phrase))
            else:
                free.extend(phrase)
            continue
        text = token.group("word")
        operator = _OPERATOR.fullmatch(text)
        if operator:
            name, value = operator.group("name").lower(), operator.group("value").lower()
            if name == "tag":
                tags.setdefault(value.strip("/"), None)
            elif name == "type" and value in KIND_ALIASES:
                kinds.setdefault(KIND_ALIASES[value], None)
            elif name == "is" and value in IS_FLAGS:
                flag, flag_value = IS_FLAGS[value]
                parsed.flags[flag] = flag_value
            else:
                choices = ", ".join(sorted(set(KIND_ALIASES.values()) if name == "type" else IS_FLAGS))
                parsed.errors.append(f"Unknown “{name}:{value}”: use {name}: with one of {choices}.")
        elif text.startswith("-") and words(text):
            excluded.update(dict.fromkeys(words(text)))
        else:
            free.append(text)
    parsed.text = " ".join(free)
    parsed.excluded = tuple(excluded)[:MAX_WORDS]
    parsed.phrases = tuple(phrases)[:MAX_WORDS]
    parsed.tags, parsed.kinds = tuple(tags), tuple(kinds)
    return parsed


@dataclass(frozen=True)
class SearchParams:
    """One search. Empty ``terms`` means "browse": every item the filters allow, newest first.

    ``excluded`` words must not occur (as prefixes); every ``phrases`` entry must occur as
    consecutive words (its words are among ``terms`` too, for ranking and highlights).

    ``kinds`` empty means every kind. ``tags`` are lowercased names, all required. Flag filters
    (``favorite``, ``read``, ``pinned``) and ``statuses``/``priorities`` imply their kind.
    """

    terms: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
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
            self.excluded
            or self.kinds
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
