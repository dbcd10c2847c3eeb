"""The community's cache family, and the warm hook that rebuilds the leaderboards.

``CHALLENGES`` (global) caches the list of open challenges (running and upcoming) with their
participant counts; it is invalidated when a challenge is created, joined, left or finished.

Warming it (``manage.py cache_warm --family challenges``, or ``manage.py rebuild_rankings``) first
freezes the boards of challenges that have ended, then rebuilds the sorted set of every open
challenge from the database (``community.leaderboard.rebuild``, safe while serving), then fills
the list.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import GLOBAL, CacheFamily


def _warm() -> None:
    from community import selectors, services  # both import this module

    services.rebuild_leaderboards()
    selectors.open_challenges()


CHALLENGES = CacheFamily(
    name="challenges",
    ttl=ttl.CHALLENGES,
    scope=GLOBAL,
    invalidated_by=("challenge_created", "challenge_joined", "challenge_left", "challenge_finished"),
    warm_global=_warm,
    description="open community challenges; warming rebuilds every open leaderboard",
)
