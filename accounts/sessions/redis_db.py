"""Session engine: reads from the state Redis, writes through to the database.

Django's ``cached_db`` semantics on the ``state`` cache alias: a request reads its session with one
Redis GET (the copy is the compact array of ``accounts.sessions.compact``); every save also writes
the durable row, so a Redis restart, flush or failover logs nobody out. Unlike Django's class,
*every* cache call here tolerates Redis errors (Django 5.2 still lets the refill in ``load()`` and
the cache delete in ``delete()`` raise), and saves keep the per-user index
(``accounts.sessions.index``) current. A write or delete that Redis misses during an outage marks
that key's Redis copy stale (``accounts.sessions.stale``), so a revoked session cannot come back
when Redis returns with its data. The async methods run these same sync ones in one thread hop
(Django's own ``aload``/``asave``/``adelete`` would bypass all of this; django-redis has no native
async client, so nothing is lost).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from accounts.sessions import compact, index
from accounts.sessions.base import MetadataSessionMixin
from accounts.sessions.stale import stale_copies
from core.redis import keys

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(MetadataSessionMixin, CachedDBStore):
    """``cached_db`` on the state Redis, outage-proof, with the per-user session index."""

    cache_key_prefix = keys.session_cache_prefix()

    if TYPE_CHECKING:  # attributes of Django's session classes that django-stubs does not declare
        from django.core.cache.backends.base import BaseCache

        from accounts.models import Session

        _cache: BaseCache
        _session: dict[str, Any]

        def _get_session_from_db(self) -> Session | None: ...

    def load(self) -> dict[str, Any]:
        stale_copies.settle(self._cache)
        data = None
        if self.cache_key not in stale_copies:
            try:
                data = self._cache.get(self.cache_key)
            except Exception:
                logger.warning("session cache unavailable; reading the session from the database")
        if data is not None:
            try:
                return dict(compact.unpack(data))
            except (TypeError, ValueError):
                logger.warning("session cache entry undecodable; reading the session from the database")
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, compact.pack(data), self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("session cache unavailable; not refilling it")
        return dict(data)

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unavailable; checking the database only")
        return bool(super(CachedDBStore, self).exists(session_key))

    def save(self, must_create: bool = False) -> None:
        stale_copies.settle(self._cache)
        super(CachedDBStore, self).save(must_create)
        try:
            self._cache.set(self.cache_key, compact.pack(self._session), self.get_expiry_age())
        except Exception:
            logger.warning("session cache unavailable; saved to the database only")
            stale_copies.add(self.cache_key)
        user_id = self.owner_id()
        if user_id and self.session_key:
            index.add(user_id, self.session_key, time.time() + self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        stale_copies.settle(self._cache)
        super(CachedDBStore, self).delete(session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            logger.warning("session cache unavailable; the database copy is deleted")
            stale_copies.add(self.cache_key_prefix + key)

    async def aload(self) -> dict[str, Any]:
        return await sync_to_async(self.load)()

    async def aexists(self, session_key: str | None) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)
