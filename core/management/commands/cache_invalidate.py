"""``manage.py cache_invalidate``: drop users' cached data by family.

``search`` and ``dashboard`` bump the user's generation counter (one INCR: every cached entry of
that family is unreachable from then on and expires by TTL); ``profile`` deletes the cached
profile. ``--users all --all-families`` walks every user in primary-key order.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from accounts.selectors import forget_profile
from core.management.base import UserChunkCommand
from core.redis.caching import GENERATION_FAMILIES, bump_generation

PROFILE = "profile"
FAMILIES = (*GENERATION_FAMILIES, PROFILE)


def families_from_options(options: dict[str, Any]) -> list[str]:
    chosen = list(options.get("family") or [])
    if options.get("all_families") or "all" in chosen:
        return list(FAMILIES)
    if not chosen:
        raise CommandError(f"Choose --family ({'|'.join(FAMILIES)}|all) or --all-families.")
    return list(dict.fromkeys(chosen))


class Command(UserChunkCommand):
    help = "Invalidate cached search results, dashboards and/or profiles of some or all users."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--family",
            action="append",
            choices=[*FAMILIES, "all"],
            help="family to invalidate; repeat for several",
        )
        parser.add_argument("--all-families", action="store_true", help="same as --family all")

    def describe(self, options: dict[str, Any]) -> str:
        return f"invalidate {', '.join(families_from_options(options))}"

    def process(self, user_ids: list[int], options: dict[str, Any]) -> None:
        families = families_from_options(options)
        for user_id in user_ids:
            for family in families:
                if family == PROFILE:
                    forget_profile(user_id)
                else:
                    bump_generation(family, user_id)
