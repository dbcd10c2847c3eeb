"""``{% id_url 'content:bookmark_detail' bookmark.pk %}``: ``{% url %}`` for rows, without a reverse() each.

A list page links every row to its detail, toggle and tag pages: a hundred and more ``reverse()``
calls per render, each a resolver lookup that differs only in the row's id. ``id_url`` reverses
each URL name once per process with stand-in ids (per script prefix and per string argument, which
stay part of the URL as given), remembers the text around them, and fills in each row's id with
``str()`` after that: what the ``int`` and ``dbid`` converters produce. Anything else (a URL whose
converter changed the stand-in, an id outside the ``dbid`` range, a non-integer argument where an
id stood before) goes through ``reverse()`` as ``{% url %}`` would, errors included.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.urls import NoReverseMatch, get_script_prefix, reverse

register = template.Library()

_STAND_IN = 738_291_046_517_283_000  # 18 digits: a valid dbid, never a real id in these tables
_ID_LIMIT = 10**18


def _is_id(value: Any) -> bool:
    return type(value) is int and 0 <= value < _ID_LIMIT


@functools.lru_cache(maxsize=1024)  # URL names x constant string arguments used by templates
def _pattern(name: str, shape: tuple[Any, ...], script_prefix: str) -> tuple[str, ...] | None:
    """The URL's text split around its ids (``shape`` holds None for each id), None if unsafe."""
    stand_ins = [_STAND_IN + n for n in range(len(shape))]
    args = [stand_ins[n] if part is None else part for n, part in enumerate(shape)]
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None  # the stand-in does not fit this URL: every call reverses
    pieces: list[str] = []
    rest = url
    for n, part in enumerate(shape):
        if part is not None:
            continue
        marker = str(stand_ins[n])
        if rest.count(marker) != 1:
            return None
        before, rest = rest.split(marker)
        pieces.append(before)
    pieces.append(rest)
    return tuple(pieces)


@register.simple_tag
def id_url(name: str, *args: Any) -> str:
    shape = tuple(None if _is_id(arg) else arg for arg in args)
    if all(part is None or isinstance(part, str) for part in shape):
        pieces = _pattern(name, shape, get_script_prefix())
        if pieces is not None:
            ids = [str(arg) for arg in args if _is_id(arg)]
            return "".join(piece + value for piece, value in zip(pieces, [*ids, ""], strict=True))
    return reverse(name, args=list(args))
