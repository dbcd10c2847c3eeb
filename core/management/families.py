"""``--family`` for the cache commands: names come from the cache registry, so a family declared by
any app (``core.redis.families``) is offered without editing ``core/``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.redis import families
from core.redis.families import CacheFamily

ALL = "all"


def add_family_arguments(parser: CommandParser, *, required: bool) -> None:
    parser.add_argument(
        "--family",
        action="append",
        metavar="NAME",
        help=f"a cache family ({'|'.join(families.names())}|{ALL}); repeat for several"
        + ("" if required else " (default: all)"),
    )
    parser.add_argument("--all-families", action="store_true", help=f"same as --family {ALL}")


def families_from_options(options: dict[str, Any], *, required: bool) -> list[CacheFamily]:
    """The chosen families, in registry order; raises CommandError for an unknown name."""
    chosen = list(dict.fromkeys(options.get("family") or []))
    if options.get("all_families") or ALL in chosen or (not chosen and not required):
        return list(families.families())
    if not chosen:
        raise CommandError(f"Choose --family ({'|'.join(families.names())}|{ALL}) or --all-families.")
    unknown = [name for name in chosen if name not in families.names()]
    if unknown:
        raise CommandError(
            f"Unknown cache family {', '.join(unknown)}; registered: {', '.join(families.names())}."
        )
    return list(families.families(chosen))
