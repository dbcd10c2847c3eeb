"""The analytics app's cache families.

- ``dashboard``: each user's home dashboard (``home``) and analytics dashboard (``r7``, ``r30``,
  ``r90``) under one generation, 15 minutes. Every write of the user bumps it
  (``analytics.receivers``: content, learning, habits, time tracking), and a value computed on an
  earlier day is recomputed (overdue counts, streaks and today's habits are per day).
- ``recommendations``: each user's suggestions (learning paths, bookmarks to revisit), one hour,
  bumped by the user's own interactions (content, learning, a registered source's interaction such
  as adding a marketplace item), a "not interested" and the manual refresh.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import CacheFamily


def _warm_dashboard(user_id: int) -> None:
    from analytics.selectors import home_dashboard  # selectors import this module

    home_dashboard(user_id)


def _warm_recommendations(user_id: int) -> None:
    from analytics.recommendations import recommendations

    recommendations(user_id)


DASHBOARD = CacheFamily(
    name="dashboard",
    ttl=ttl.DASHBOARD,
    invalidated_by=("content_changed", "learning_changed", "habits_changed", "time_changed"),
    warm_user=_warm_dashboard,
    description="a user's home and analytics dashboards (one entry per range)",
)

RECOMMENDATIONS = CacheFamily(
    name="recommendations",
    ttl=ttl.RECOMMENDATIONS,
    invalidated_by=("content_changed", "learning_changed", "item_added", "not_interested", "refresh"),
    warm_user=_warm_recommendations,
    description="a user's recommended learning paths, bookmarks to revisit and marketplace items",
)
