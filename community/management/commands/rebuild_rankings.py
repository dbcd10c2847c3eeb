"""``manage.py rebuild_rankings``: every marketplace and leaderboard sorted set, again from the database.

Runs the warm hooks of the two global cache families that own the rankings (``marketplace``:
top rated, most downloaded, the recent hour buckets of views; ``challenges``: finishes ended
challenges, then every open challenge's leaderboard), exactly as ``cache_warm --family marketplace
--family challenges`` would, and prints what the state role holds afterwards. Safe while serving:
each set is built under a private key and RENAMEd over the live one, and writes made meanwhile are
applied again (``marketplace.rankings.rebuild``, ``community.leaderboard.rebuild``). Use it after
Redis lost the state role's data (a flush, a failover without persistence).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.redis import families, keys
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable

RANKING_FAMILIES = ("marketplace", "challenges")


class Command(BaseCommand):
    help = "Rebuild every marketplace ranking and challenge leaderboard from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            for name in RANKING_FAMILIES:
                families.get(name).warm()
            client = get_client("state")
            leaderboards = sum(1 for _ in client.scan_iter(match=keys.leaderboard_pattern(), count=1000))
            counts = {
                "top rated": client.zcard(keys.marketplace_top_rated()),
                "most downloaded": client.zcard(keys.marketplace_downloads()),
            }
        except RedisUnavailable as error:
            raise CommandError(f"Redis (state role) is unavailable: {error}") from error
        summary = ", ".join(f"{label}: {count} items" for label, count in counts.items())
        self.stdout.write(
            f"Rebuilt in {time.perf_counter() - started:.1f} s: {summary}; {leaderboards} open leaderboards."
        )
