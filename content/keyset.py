"""Keyset ("cursor") pagination of an ordered list queryset: a deep page without OFFSET or COUNT.

A cursor names the sort key and id of the row a page starts after (``?after=``) or ends before
(``?before=``), so the database seeks to it in the list's index instead of counting and skipping
every row in front. The sort is read from the queryset's own ``order_by`` (plain fields, ``F(...)``
with ``nulls_last``, expressions such as ``Lower("title")``, annotations), and must end with the
primary key: ties on the sort key are then broken the same way on every page, so no row is shown
twice or skipped. Each ordering term is annotated (``keyset_0``...) so the cursor condition compares
the very values the database sorts by; a term whose NULLs sort in a way this module does not model
makes the queryset unsupported, and the caller pages by number instead.

A cursor is plain (URL-safe base64 of JSON: the page number it leads to, then the key): it carries
only the user's own sort values, the queryset stays filtered by its owner, and a malformed or
foreign cursor is refused (``None``: the first page is shown). It is not signed because forging one
shows nothing a user could not page to.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Expression, F, OrderBy, Q, QuerySet

ALIAS = "keyset_{}"
MAX_CURSOR_CHARS = 2048


@dataclass(frozen=True)
class Column:
    """One ordering term: its annotation, direction, and whether NULLs (sorted last) may occur."""

    alias: str
    descending: bool
    nullable: bool


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the page number it leads to and the key of the row it is next to."""

    page: int
    values: tuple[Any, ...]
    before: bool = False

    def encode(self) -> str:
        text = json.dumps([self.page, *(_plain(v) for v in self.values)], separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _term(model: Any, item: Any) -> tuple[Expression | F, bool, bool] | None:
    """``(expression, descending, nullable)`` of one ``order_by`` item, None if not supported."""
    if isinstance(item, str):
        descending, name = item.startswith("-"), item.lstrip("-")
        try:
            nullable = bool(model._meta.get_field("id" if name == "pk" else name).null)
        except FieldDoesNotExist:
            nullable = False  # an annotation: the lists annotate non-null values only
        return None if nullable else (F(name), descending, False)
    if isinstance(item, OrderBy):
        if item.nulls_first or (item.nulls_last and item.descending):
            return None
        return item.expression, item.descending, bool(item.nulls_last)
    if isinstance(item, Expression):
        return item, False, False
    return None


def prepare(queryset: QuerySet[Any]) -> tuple[QuerySet[Any], list[Column]] | None:
    """The queryset with its ordering terms annotated, and the terms; None if keyset paging of it
    is not supported (its order does not end with the primary key, or NULLs sort unmodelled)."""
    order = list(queryset.query.order_by)
    if not order or order[-1] not in ("pk", "-pk", "id", "-id"):
        return None
    columns, annotations = [], {}
    for index, item in enumerate(order):
        term = _term(queryset.model, item)
        if term is None:
            return None
        expression, descending, nullable = term
        alias = ALIAS.format(index)
        annotations[alias] = expression
        columns.append(Column(alias, descending, nullable))
    return queryset.annotate(**annotations), columns


def _later(column: Column, value: Any, reverse: bool) -> Q | None:
    """Rows strictly after ``value`` in this column's order (before it if ``reverse``); None: none."""
    later_is_greater = column.descending == reverse
    if column.nullable:  # ascending, NULLs last
        if not reverse:
            return (
                None
                if value is None
                else Q(**{f"{column.alias}__gt": value}) | Q(**{f"{column.alias}__isnull": True})
            )
        return (
            Q(**{f"{column.alias}__isnull": False}) if value is None else Q(**{f"{column.alias}__lt": value})
        )
    return Q(**{f"{column.alias}__{'gt' if later_is_greater else 'lt'}": value})


def _equal(column: Column, value: Any) -> Q:
    return Q(**{f"{column.alias}__isnull": True}) if value is None else Q(**{column.alias: value})


def condition(columns: list[Column], values: tuple[Any, ...], reverse: bool = False) -> Q:
    """Rows after the key ``values`` in the list's order (before it if ``reverse``): the
    lexicographic comparison, plus a bound on the first term that the database can seek with."""
    branches = Q(pk__in=[])
    prefix = Q()
    for column, value in zip(columns, values, strict=True):
        later = _later(column, value, reverse)
        if later is not None:
            branches |= prefix & later
        prefix &= _equal(column, value)
    first, value = columns[0], values[0]
    if first.nullable:
        return branches
    later_is_greater = first.descending == reverse
    return Q(**{f"{first.alias}__{'gte' if later_is_greater else 'lte'}": value}) & branches


def key_of(row: Any, columns: list[Column]) -> tuple[Any, ...]:
    return tuple(getattr(row, column.alias) for column in columns)


def decode(text: str, queryset: QuerySet[Any], columns: list[Column], before: bool = False) -> Cursor | None:
    """The cursor ``text`` for the prepared ``queryset``, or None if it is malformed or foreign."""
    if not text or len(text) > MAX_CURSOR_CHARS:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, list) or len(raw) != len(columns) + 1:
        return None
    page, *plain = raw
    if type(page) is not int or page < 2:
        return None
    values = []
    for column, value in zip(columns, plain, strict=True):
        if value is None:
            if not column.nullable:
                return None
            values.append(None)
            continue
        field = queryset.query.annotations[column.alias].output_field
        if not isinstance(value, (str, int, float, bool)):
            return None
        try:
            values.append(field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return None
    return Cursor(page, tuple(values), before)
