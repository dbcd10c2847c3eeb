"""``manage.py cache_warm``: fill the profile cache ahead of traffic (after a deploy or a flush).

Reads each selected user's profile through ``accounts.selectors.get_profile``, which stores it on a
miss; already cached profiles cost one GET. Default: every user, in primary-key order.
"""

from __future__ import annotations

from typing import Any

from accounts.selectors import get_profile
from core.management.base import UserChunkCommand


class Command(UserChunkCommand):
    help = "Warm the cached user profiles, in primary-key ordered chunks."
    default_all_users = True

    def describe(self, options: dict[str, Any]) -> str:
        return "warm the cached profile"

    def process(self, user_ids: list[int], options: dict[str, Any]) -> None:
        for user_id in user_ids:
            get_profile(user_id)
