"""Tag names as people type them: parsing, normalising, default colours.

A name is trimmed, inner whitespace collapsed, and slashes tidied so ``Dev / Python`` and
``Dev/Python`` are the same path-like tag (browser folders import that way). Names compare without
regard to case; the first spelling seen wins.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from content.models import TAG_NAME_MAX

MAX_TAGS_PER_ITEM = 30
PALETTE = ("#ef4444", "#f97316", "#ca8a04", "#16a34a", "#0d9488", "#2563eb", "#7c3aed", "#db2777", "#64748b")


def normalize(name: str) -> str:
    """The canonical spelling of one tag name (may be empty)."""
    segments = (" ".join(part.split()) for part in name.split("/"))
    return "/".join(s for s in segments if s)[:TAG_NAME_MAX].strip("/ ")


def unique(names: Iterable[str]) -> list[str]:
    """Normalised, non-empty names without case-insensitive repeats, in their first order."""
    seen: set[str] = set()
    result = []
    for raw in names:
        name = normalize(raw)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return result


def parse(text: str) -> list[str]:
    """Names from a comma-separated field (``reading, Dev/Python``)."""
    return unique(text.split(","))


def default_color(name: str) -> str:
    """A stable colour for a new tag, picked from its name."""
    return PALETTE[zlib.crc32(name.lower().encode()) % len(PALETTE)]
