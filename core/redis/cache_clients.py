"""django-redis client classes (``CLIENT_CLASS``) for which an undecodable entry is a cache miss.

django-redis decodes inside ``get``/``get_many``, so a payload our serializer refuses (a forged or
tampered pickle, a format from an older release, a class that no longer imports) would raise to the
caller until the key expired. Here ``get`` answers ``default`` and ``get_many`` leaves the key out,
as for any miss (the serializer has already logged why), and the entry is deleted, so ``add`` and
``get_or_set`` can store a fresh value. ``decode`` itself still raises ``UndecodableEntry``, so code
that decodes raw bytes (``core.redis.cache_aside``) can tell a miss from a stored value.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress
from typing import Any

from django_redis.client import DefaultClient, SentinelClient
from django_redis.exceptions import ConnectionInterrupted
from redis import Redis

from core.redis.serializers import UndecodableEntry

_MISSING = object()


class MissOnUndecodableMixin(DefaultClient):
    """``get``/``get_many`` that treat ``UndecodableEntry`` as an absent key."""

    def get(
        self, key: str, default: Any | None = None, version: int | None = None, client: Redis | None = None
    ) -> Any:
        try:
            return super().get(key, default=default, version=version, client=client)
        except UndecodableEntry:
            # Gone for good, so add() and get_or_set() can store a fresh value there.
            with suppress(ConnectionInterrupted):
                self.delete(key, version=version, client=client)
            return default

    def get_many(
        self, keys: Collection[str], version: int | None = None, client: Redis | None = None
    ) -> dict[str, Any]:
        try:
            found: dict[str, Any] = super().get_many(keys, version=version, client=client)
            return found
        except UndecodableEntry:
            # Rare (a bad entry among the keys): one GET per key, so the good ones still hit.
            each = {key: self.get(key, _MISSING, version=version, client=client) for key in keys}
            return {key: value for key, value in each.items() if value is not _MISSING}


class CacheClient(MissOnUndecodableMixin):
    """The client of every cache alias on a single Redis server."""


class SentinelCacheClient(MissOnUndecodableMixin, SentinelClient):
    """The client of every cache alias when Redis is found through Sentinel."""
