"""The accounts app's cache family: each user's public profile (never secrets: no password, no 2FA).

Invalidated when the user row changes (``accounts.signals``); warming reads it once per user.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import CacheFamily


def _warm(user_id: int) -> None:
    from accounts.selectors import get_profile  # selectors import this module

    get_profile(user_id)


PROFILE = CacheFamily(
    name="profile",
    ttl=ttl.USER_PROFILE,
    invalidated_by=("user saved",),
    warm_user=_warm,
    description="a user's public profile fields",
)
