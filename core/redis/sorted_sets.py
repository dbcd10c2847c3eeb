"""Replacing a whole sorted set while it is being read: build a private copy, RENAME it over.

Rankings kept on the state role (marketplace trending buckets, top rated, leaderboards) are rebuilt
from the database by their apps; readers must never see a half-built set. RENAME is atomic, so a
reader sees the old set or the new one. The copy's key shares the live key's hash tag
(``keys.rebuild_copy``), so the RENAME stays on one Cluster node.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from redis import Redis

from core.redis import keys

ZADD_BATCH = 1000


def replace_sorted_set(
    client: Redis, key: str, members: Mapping[str, float], expire_seconds: int | None = None
) -> None:
    """Make ``key`` hold exactly ``members`` (one pipelined round trip); empty deletes ``key``.
    ``expire_seconds`` gives the new set an expiry (a RENAMEd key keeps the copy's)."""
    copy = keys.rebuild_copy(key, uuid.uuid4().hex[:12])
    pipe = client.pipeline(transaction=False)
    pipe.delete(copy)
    items = list(members.items())
    for offset in range(0, len(items), ZADD_BATCH):
        pipe.zadd(copy, dict(items[offset : offset + ZADD_BATCH]))
    if items:
        if expire_seconds is not None:
            pipe.expire(copy, max(1, expire_seconds))
        pipe.rename(copy, key)
    else:
        pipe.delete(key)
    pipe.execute()
