"""Per-user index of active sessions in the state Redis: ``tk:{u:uid}:sessions``.

A sorted set whose members are session keys scored by their expiry (Unix seconds). Expired members
are pruned on every write and read (sessions in the cache expire silently, so a plain set would fill
with dead ids). The database copy (``accounts.Session.user``) is the source of truth: a missing
index is rebuilt from it, and every function here degrades to the database when Redis fails.
"""

from __future__ import annotations

import logging
import time

import redis
from django.conf import settings
from django.utils import timezone

from core.redis import keys, ttl
from core.redis.client import RedisDisabled, get_client

logger = logging.getLogger(__name__)


def _enabled() -> bool:
    return bool(settings.REDIS_SESSIONS_ENABLED)


def add(user_id: int, session_key: str, expires_at: float) -> None:
    """Record (or refresh the expiry of) one session of ``user_id``."""
    if not _enabled():
        return
    index = keys.user_sessions_index(user_id)
    try:
        pipe = get_client("state").pipeline(transaction=False)
        pipe.zadd(index, {session_key: expires_at})
        pipe.zremrangebyscore(index, "-inf", time.time())
        pipe.expire(index, ttl.SESSION + ttl.MINUTE)
        pipe.execute()
    except (redis.RedisError, RedisDisabled):
        logger.warning("session index: could not record a session of user %s", user_id)


def remove(user_id: int, *session_keys: str) -> None:
    """Forget sessions of ``user_id`` (after logout or revocation)."""
    if not _enabled() or not session_keys:
        return
    try:
        get_client("state").zrem(keys.user_sessions_index(user_id), *session_keys)
    except (redis.RedisError, RedisDisabled):
        logger.warning("session index: could not remove sessions of user %s", user_id)


def _database_keys(user_id: int) -> dict[str, float]:
    from accounts.models import Session

    rows = Session.objects.filter(user_id=user_id, expire_date__gt=timezone.now())
    return {key: expiry.timestamp() for key, expiry in rows.values_list("session_key", "expire_date")}


def active_keys(user_id: int) -> list[str]:
    """Keys of the user's unexpired sessions, most recently extended first."""
    if not _enabled():
        return list(_database_keys(user_id))
    index = keys.user_sessions_index(user_id)
    try:
        client = get_client("state")
        pipe = client.pipeline(transaction=False)
        pipe.zremrangebyscore(index, "-inf", time.time())
        pipe.exists(index)
        pipe.zrevrange(index, 0, -1)
        _, exists, members = pipe.execute()
        if exists:
            return [m.decode() if isinstance(m, bytes) else m for m in members]
        found = _database_keys(user_id)
        if found:
            pipe = client.pipeline(transaction=False)
            pipe.zadd(index, found)
            pipe.expire(index, ttl.SESSION + ttl.MINUTE)
            pipe.execute()
        return sorted(found, key=found.__getitem__, reverse=True)
    except (redis.RedisError, RedisDisabled):
        logger.warning("session index unavailable; listing sessions of %s from the DB", user_id)
        return list(_database_keys(user_id))
