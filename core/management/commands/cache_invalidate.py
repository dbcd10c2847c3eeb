"""``manage.py cache_invalidate``: drop cached data by family, per user or whole.

Each family of the cache registry is invalidated with one INCR of its generation counter: every
entry of that family is unreachable from then on and expires by TTL. Per-user families are
invalidated for the selected users (``--users all`` walks every user in primary-key order); global
families once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from core.management.base import UserChunkCommand
from core.management.families import add_family_arguments, families_from_options
from core.redis.families import CacheFamily


class Command(UserChunkCommand):
    help = "Invalidate cached families (search, dashboard, profile, ...) of some or all users."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_family_arguments(parser, required=True)

    def describe(self, options: dict[str, Any]) -> str:
        return f"invalidate {', '.join(f.name for f in families_from_options(options, required=True))}"

    def process_global(self, options: dict[str, Any]) -> list[CacheFamily]:
        chosen = [f for f in families_from_options(options, required=True) if not f.per_user]
        for family in chosen:
            family.invalidate()
        return chosen

    def process(self, user_ids: list[int], options: dict[str, Any]) -> None:
        chosen = [f for f in families_from_options(options, required=True) if f.per_user]
        for user_id in user_ids:
            for family in chosen:
                family.invalidate(user_id)
