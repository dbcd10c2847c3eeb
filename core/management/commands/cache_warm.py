"""``manage.py cache_warm``: fill cached families ahead of traffic (after a deploy or a flush).

Every warmable family of the cache registry (or those named with ``--family``): global families
once, per-user families for each selected user (default: every user, in primary-key order, with a
progress line per chunk). Already cached entries cost one round trip each.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from core.management.base import UserChunkCommand
from core.management.families import add_family_arguments, families_from_options
from core.redis.families import CacheFamily


def _warmable(options: dict[str, Any]) -> list[CacheFamily]:
    return [f for f in families_from_options(options, required=False) if f.warmable]


class Command(UserChunkCommand):
    help = "Warm cached families (all warmable ones, or --family), in primary-key ordered chunks."
    default_all_users = True

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_family_arguments(parser, required=False)

    def describe(self, options: dict[str, Any]) -> str:
        return f"warm {', '.join(f.name for f in _warmable(options)) or 'nothing (no warmable family)'}"

    def process_global(self, options: dict[str, Any]) -> list[CacheFamily]:
        chosen = [f for f in _warmable(options) if not f.per_user]
        for family in chosen:
            family.warm()
        return chosen

    def process(self, user_ids: list[int], options: dict[str, Any]) -> None:
        chosen = [f for f in _warmable(options) if f.per_user]
        for user_id in user_ids:
            for family in chosen:
                family.warm(user_id)
