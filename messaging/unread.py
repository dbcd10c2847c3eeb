"""Unread counts per user in the state Redis (``keys.unread_counts``), rebuilt from the database.

One hash per user holds the unread message count of each conversation and the unread notification
count, so every page can show its badges with one HGETALL and no query. The database stays the source
of truth (read markers on ``Membership``, ``read_at`` on ``Notification``): a hash without the ``_``
marker (never built, expired, lost in a flush, or created by an increment that raced its absence) is
rebuilt with two queries. Counts are advisory: an increment that lands between a rebuild's query and
its write can be counted twice until the conversation is next read, which resets the field exactly.
Every function degrades to the database (reads) or to nothing (writes) when Redis is unavailable.

A write Redis misses would leave a marked hash behind the database until the conversation is read.
So the users whose counts a write could not change are remembered (``missed``, per process), and
the first later call that finds Redis answering deletes their hashes, which are then rebuilt. Other
processes cannot know of that memory: a client that reconnects after an outage asks for its counts
with ``reconcile`` (``rebuild``), so its badges agree with the database whichever process missed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import redis
from django.db.models import Count, F

from core.redis import keys, ttl
from core.redis.client import RedisDisabled, get_client

logger = logging.getLogger(__name__)

BUILT = "_"
NOTIFICATIONS = "n"


@dataclass(frozen=True)
class UnreadCounts:
    """A user's unread messages per conversation id, and unread notifications."""

    conversations: dict[int, int] = field(default_factory=dict)
    notifications: int = 0

    @property
    def total(self) -> int:
        return sum(self.conversations.values())

    def for_conversation(self, conversation_id: int) -> int:
        return self.conversations.get(conversation_id, 0)


def from_database(user_id: int) -> UnreadCounts:
    """Compute the counts from read markers and notifications (two queries)."""
    from messaging.models import Message, Notification

    rows = (
        Message.objects.filter(
            conversation__memberships__user_id=user_id,
            id__gt=F("conversation__memberships__last_read_message_id"),
            deleted_at__isnull=True,
        )
        .exclude(sender_id=user_id)
        .values("conversation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    conversations = {row["conversation_id"]: row["n"] for row in rows}
    notifications = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
    return UnreadCounts(conversations, notifications)


def _decode(raw: dict[bytes, bytes]) -> UnreadCounts:
    conversations: dict[int, int] = {}
    notifications = 0
    for name, value in raw.items():
        name_text = name.decode()
        if name_text == NOTIFICATIONS:
            notifications = max(0, int(value))
        elif name_text.isdigit() and int(value) > 0:
            conversations[int(name_text)] = int(value)
    return UnreadCounts(conversations, notifications)


def rebuild(user_id: int) -> UnreadCounts:
    """Recompute the user's hash from the database and store it (one MULTI round trip)."""
    counts = from_database(user_id)
    mapping: dict[str, int] = {BUILT: 1, NOTIFICATIONS: counts.notifications}
    mapping.update({str(cid): n for cid, n in counts.conversations.items()})
    key = keys.unread_counts(user_id)
    try:
        pipe = get_client("state").pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=mapping)
        pipe.expire(key, ttl.UNREAD_COUNTS)
        pipe.execute()
    except (redis.RedisError, RedisDisabled):
        logger.warning("unread counts: Redis unavailable, not storing the rebuilt counts of %s", user_id)
    return counts


class MissedUpdates:
    """Users whose hash missed a write in this process, until Redis takes the deletes. Thread-safe."""

    LIMIT = 100_000

    def __init__(self) -> None:
        self._users: set[int] = set()
        self._lock = threading.Lock()

    def add(self, user_ids: Iterable[int]) -> None:
        with self._lock:
            self._users.update(list(user_ids)[: max(0, self.LIMIT - len(self._users))])

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._users

    def settle(self) -> None:
        """Delete the remembered hashes (they are rebuilt on their next read); keep them if Redis fails."""
        if not self._users:
            return  # the normal case: no lock, no round trip
        with self._lock:
            users = list(self._users)
        try:
            get_client("state").delete(*(keys.unread_counts(user_id) for user_id in users))
        except (redis.RedisError, RedisDisabled):
            return
        with self._lock:
            self._users.difference_update(users)
        logger.warning("unread counts: dropped %d hashes that missed updates; they are rebuilt", len(users))


missed = MissedUpdates()


def get(user_id: int, prefetched: dict[bytes, bytes] | None = None) -> UnreadCounts:
    """The user's counts: one HGETALL (or its reply ``prefetched`` with the request's rate-limit
    check, ``core.redis.prefetch``), or a rebuild when the hash is missing or unmarked."""
    if user_id in missed:
        prefetched = None  # read before the hash was dropped
    missed.settle()
    if prefetched is not None:
        raw = prefetched
    else:
        try:
            raw = get_client("state").hgetall(keys.unread_counts(user_id))
        except (redis.RedisError, RedisDisabled):
            logger.warning("unread counts: Redis unavailable, counting for %s in the database", user_id)
            return from_database(user_id)
    if BUILT.encode() not in raw:
        return rebuild(user_id)
    return _decode(raw)


def _write(user_ids: Iterable[int], field_name: str, *, amount: int | None = None, value: int = 0) -> None:
    """HINCRBY (``amount``) or HSET (``value``) one field for several users, in one round trip."""
    user_ids = list(user_ids)
    if not user_ids:
        return
    missed.settle()
    try:
        pipe = get_client("state").pipeline(transaction=False)
        for user_id in user_ids:
            key = keys.unread_counts(user_id)
            if amount is None:
                pipe.hset(key, field_name, value)
            else:
                pipe.hincrby(key, field_name, amount)
            # A key created here has no marker and will be rebuilt; the expiry keeps it from lingering.
            pipe.expire(key, ttl.UNREAD_COUNTS)
        pipe.execute()
    except (redis.RedisError, RedisDisabled):
        logger.warning("unread counts: Redis unavailable, %s will be rebuilt later", field_name)
        missed.add(user_ids)


def add_message(user_ids: Iterable[int], conversation_id: int) -> None:
    """One more unread message in ``conversation_id`` for each of ``user_ids``."""
    _write(user_ids, str(conversation_id), amount=1)


def set_conversation(user_id: int, conversation_id: int, count: int) -> None:
    """The exact unread count of one conversation (after its read marker moved)."""
    _write([user_id], str(conversation_id), value=count)


def forget_conversation(user_id: int, conversation_id: int) -> None:
    """Drop a conversation from the user's counts (they left it or were removed)."""
    try:
        get_client("state").hdel(keys.unread_counts(user_id), str(conversation_id))
    except (redis.RedisError, RedisDisabled):
        logger.warning("unread counts: Redis unavailable, %s will be rebuilt later", user_id)
        missed.add([user_id])


def add_notifications(user_ids: Iterable[int]) -> None:
    """One more unread notification for each of ``user_ids``."""
    _write(user_ids, NOTIFICATIONS, amount=1)


def set_notifications(user_id: int, count: int) -> None:
    """The exact unread notification count (after some were marked read)."""
    _write([user_id], NOTIFICATIONS, value=count)
