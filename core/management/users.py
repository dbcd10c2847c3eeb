"""Which users a maintenance command works on, walked in primary-key order, one chunk at a time.

Shared by ``cache_invalidate`` and ``cache_warm``: ``--user ID`` (repeatable) or ``--users all`` /
``--users 3,7,9``. Chunks use keyset pagination (``pk > last``), so the walk stays cheap on a large
table and never holds more than one chunk of ids in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet

DEFAULT_CHUNK_SIZE = 500


@dataclass(frozen=True)
class UserSelection:
    """All users, or the listed ids."""

    ids: tuple[int, ...] | None  # None: every user

    def queryset(self) -> QuerySet[Any]:
        users = get_user_model().objects.all()
        return users if self.ids is None else users.filter(pk__in=self.ids)

    def missing_ids(self) -> list[int]:
        """Listed ids with no user behind them."""
        if self.ids is None:
            return []
        found = set(self.queryset().values_list("pk", flat=True))
        return sorted(set(self.ids) - found)


def add_selection_arguments(parser: CommandParser, *, default_all: bool) -> None:
    parser.add_argument("--user", type=int, action="append", default=[], metavar="ID", help="a user id")
    parser.add_argument(
        "--users",
        metavar="all|ID,ID",
        help="'all', or comma-separated user ids" + (" (default: all)" if default_all else ""),
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=f"users per database query and progress line (default {DEFAULT_CHUNK_SIZE})",
    )


def selection_from_options(options: dict[str, object], *, default_all: bool) -> UserSelection:
    """Parse ``--user``/``--users``; raises CommandError on bad input."""
    ids: list[int] = list(options.get("user") or [])  # type: ignore[call-overload]
    users = str(options.get("users") or "").strip()
    if users == "all":
        if ids:
            raise CommandError("Use either --users all or --user ID, not both.")
        return UserSelection(None)
    if users:
        try:
            ids += [int(part) for part in users.split(",") if part.strip()]
        except ValueError as exc:
            raise CommandError(f"--users takes 'all' or comma-separated ids, not {users!r}.") from exc
    if not ids:
        if default_all:
            return UserSelection(None)
        raise CommandError("Choose users with --user ID or --users all|ID,ID.")
    return UserSelection(tuple(dict.fromkeys(ids)))


def id_chunks(selection: UserSelection, chunk_size: int) -> Iterator[list[int]]:
    """The selected users' ids in ascending order, ``chunk_size`` per query."""
    if chunk_size < 1:
        raise CommandError("--chunk-size must be at least 1.")
    queryset = selection.queryset().order_by("pk")
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).values_list("pk", flat=True)[:chunk_size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]
