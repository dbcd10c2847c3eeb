"""The analytics app's cache family: each user's home dashboard (counts and recent items).

Invalidated by every content write (``analytics.receivers``) and when the day changes (overdue
counts are per day); warming computes it once per user.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import CacheFamily


def _warm(user_id: int) -> None:
    from analytics.selectors import home_dashboard  # selectors import this module

    home_dashboard(user_id)


DASHBOARD = CacheFamily(
    name="dashboard",
    ttl=ttl.DASHBOARD,
    invalidated_by=("content_changed",),
    warm_user=_warm,
    description="a user's home dashboard aggregates",
)
