"""Cursor (keyset) pagination: ``?limit=`` items per page and an opaque ``?cursor=`` to continue.

A page is read with ``WHERE (a, b) < (last a, last b)`` on the list's order, never with OFFSET, so
page 1,000 costs what page 1 costs and an item added meanwhile neither repeats nor hides another.
The cursor is the last item's sort values, base64url-encoded JSON; a cursor that does not decode
into the list's values is a 400 ``invalid_cursor``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import Q, QuerySet
from ninja import Schema
from pydantic import Field

from api.v1.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 2_000

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Items per page (1 to 200).")]
Cursor = Annotated[
    str | None, Field(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page.")
]

T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


@dataclass(frozen=True)
class Key:
    """One sort column: its name (a field or an annotation) and how its values travel in a cursor."""

    name: str
    load: Callable[[Any], Any]
    dump: Callable[[Any], Any] = lambda value: value


def _load_time(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise TypeError("not a time")
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a naive time")
    return moment


def _load_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise TypeError("not an id")
    return value


def _load_str(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError("not text")
    return value


CREATED = Key("created_at", _load_time, lambda moment: moment.isoformat())
ID = Key("pk", _load_int)


def text_key(name: str) -> Key:
    return Key(name, _load_str)


@dataclass(frozen=True)
class Keyset:
    """A list's order: every key descending (newest first) or every key ascending."""

    keys: Sequence[Key]
    descending: bool = True

    def order(self) -> list[str]:
        return [f"-{key.name}" if self.descending else key.name for key in self.keys]

    def after(self, values: Sequence[Any]) -> Q:
        """Rows strictly after ``values`` in this order."""
        beyond = "lt" if self.descending else "gt"
        condition = Q()
        for index, key in enumerate(self.keys):
            equal = {self.keys[i].name: values[i] for i in range(index)}
            condition |= Q(**equal, **{f"{key.name}__{beyond}": values[index]})
        return condition

    def encode(self, item: Any) -> str:
        values = [key.dump(getattr(item, key.name)) for key in self.keys]
        return (
            base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")
        )

    def decode(self, cursor: str) -> list[Any]:
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError("wrong shape")
            return [key.load(value) for key, value in zip(self.keys, raw, strict=True)]
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as error:
            raise ApiError(
                400,
                "invalid_cursor",
                "This cursor is not valid here.",
                {"cursor": ["Not a cursor of this list."]},
            ) from error


def page_of(
    queryset: QuerySet[Any], keyset: Keyset, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` in ``keyset``'s order, and the cursor of the next page."""
    queryset = queryset.order_by(*keyset.order())
    if cursor:
        queryset = queryset.filter(keyset.after(keyset.decode(cursor)))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, keyset.encode(rows[-1]) if more and rows else None
