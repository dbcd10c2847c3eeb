"""The Redis page's actions, each audited (``core.audit.record``) with the operator as the actor.

- ``invalidate_user_caches``: every per-user family of the registry is invalidated for that user
  (``CacheFamily.invalidate``: one INCR of the user's generation, so nothing old is read again, on
  every server process at once); then the user's now unreachable entries are deleted (UNLINK) from
  one SCAN with the user's precise pattern, so their memory is freed now rather than at their TTL.
  Other users' entries and global families are not touched.
- ``sign_out_everywhere``: the session owner's revocation (``hooks``; accounts registers it).
- ``reset_rate_limits``: ``core.ratelimit.services.reset`` deletes each policy's bucket of the
  identity by the key builder (``Check.key``), never by a wildcard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest

from core import audit
from core.ratelimit import services as ratelimit_services
from core.ratelimit.base import Check
from core.redis import families
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable
from core.redis_admin import hooks, selectors

UNLINK_BATCH = 500  # keys per UNLINK


@dataclass(frozen=True)
class Invalidation:
    """What ``invalidate_user_caches`` did: the families invalidated, the old entries deleted per family
    (None when Redis could not be reached for the clean-up) and whether the SCAN covered every key."""

    families: tuple[str, ...]
    deleted: dict[str, int] | None
    complete: bool = True

    @property
    def deleted_total(self) -> int:
        return sum((self.deleted or {}).values())


class NoSessionOwner(LookupError):
    """No app registered the session hooks: sessions cannot be revoked from here."""


def invalidate_user_caches(user_id: int, *, request: HttpRequest | None = None) -> Invalidation:
    """Invalidate every per-user cache family of ``user_id`` and delete that user's old entries.

    The generation bumps never fail (a bump Redis misses is replayed when it answers again); the
    clean-up is skipped when Redis is down, as nothing can be read from it then anyway.
    """
    names = tuple(f.name for f in families.families() if f.per_user)
    for name in names:
        families.get(name).invalidate(user_id)
    deleted: dict[str, int] | None
    complete = True
    try:
        entries, complete = selectors.user_entries(user_id)
        client = get_client("cache")
        for start in range(0, len(entries), UNLINK_BATCH):
            client.unlink(*(key for _, key in entries[start : start + UNLINK_BATCH]))
        deleted = dict(Counter(family for family, _ in entries))
    except RedisUnavailable:
        deleted = None
    audit.record(
        "cache_invalidated",
        request=request,
        target=f"user:{user_id}",
        families=list(names),
        deleted=deleted,
        complete=complete,
    )
    return Invalidation(names, deleted, complete)


def session_count(user_id: int) -> int:
    """How many sessions ``user_id`` has (for the confirmation step)."""
    owner = hooks.sessions()
    if owner is None:
        raise NoSessionOwner("no app registered session hooks")
    return owner.count(user_id)


def sign_out_everywhere(user_id: int, *, request: HttpRequest | None = None) -> int:
    """Revoke every session of ``user_id`` through the session owner (which audits it)."""
    owner = hooks.sessions()
    if owner is None:
        raise NoSessionOwner("no app registered session hooks")
    return owner.revoke(user_id, request)


def reset_rate_limits(checks: Sequence[Check], *, label: str, request: HttpRequest | None = None) -> int:
    """Forget one identity's budget under every policy in ``checks``; returns the buckets that existed
    (``ratelimit_reset`` is audited there). Raises ``RedisUnavailable`` when the store is down."""
    return ratelimit_services.reset(checks, target=label, request=request)
