"""The channel layer Trackeep runs on: channels-redis, made to live through Redis restarts and flushes.

channels-redis keeps a connection pool per event loop and never checks a pooled connection before
using it, and a consumer's blocking receive raises on the first connection error. So after a Redis
restart the first command on each idle connection failed ("Connection closed by server": the first
WebSocket handshake after a restart), every open socket ended, and after a flush or an empty restart
the sockets that stayed open were deaf, because group memberships are Redis keys that a socket
writes only when it joins. ``TrackeepChannelLayer`` adds three things:

- every pool's connections retry a command once, on a fresh connection, when theirs turns out to be
  dead (connection errors only: a timeout is not retried, so a frozen Redis is not waited on twice);
- a receive that fails waits (``RECEIVE_RETRY_SECONDS``, doubling up to ``RECEIVE_RETRY_MAX_SECONDS``)
  and tries again, so sockets stay open through an outage; failures are counted;
- ``membership_epoch()``: a number that moves whenever memberships may have been lost, so each
  consumer knows when to join its groups again. It checks a marker key (``keys.channel_layer_marker``)
  on every shard at most once per ``max_age`` seconds per process: a missing or replaced marker means
  the data is gone; a failed receive or check since the last look means the layer reconnected.

``TrackeepPubSubChannelLayer`` (the default, ``CHANNEL_LAYER=pubsub``; docs/messaging.md, "Which
channel layer") is channels-redis' pub/sub layer with the same guarantees. A group send is one
``PUBLISH``; each process holds one ``SUBSCRIBE`` per group its sockets are in and hands a message to
its members in memory, so there are no membership keys for a flush to lose. What a restart does lose
is the subscriptions and whatever is published while they are away: redis-py subscribes again when
its connection comes back, the shard's receive loop waits through the outage (counting failures and
logging once, instead of channels-redis' traceback every second), and ``membership_epoch`` moves, so
sockets still send their clients ``resync``. The marker check is kept as well (a flush loses nothing
here, but the client is told to resync just the same: one rule for both layers).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any, cast

import redis
import redis.asyncio.client
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _wrap_close, create_pool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core.redis import keys, sentinel

logger = logging.getLogger("core.redis")

RECEIVE_RETRY_SECONDS = 0.1
RECEIVE_RETRY_MAX_SECONDS = 2.0
LAYER_ERRORS = (redis.ConnectionError, redis.TimeoutError)
LAYER_BREAKER = "channel layer"  # the breaker (core.redis.breaker) of sends through the layer


def _retrying_pool(host: dict[str, Any]) -> Any:
    """A pool whose connections retry a command once, on a fresh connection, when the server has
    closed theirs (connection errors only)."""
    retry = {
        "retry": Retry(NoBackoff(), 1, (redis.ConnectionError,)),
        "retry_on_error": [redis.ConnectionError],
    }
    return create_pool({**retry, **host})


class MembershipEpoch:
    """``membership_epoch()`` for a layer: ``receive_failures`` counted by the layer, the marker
    key checked on every connection ``_marker_connections()`` gives."""

    receive_failures: int

    def _init_epoch(self) -> None:
        self.receive_failures = 0
        self._epoch = 0
        self._checked_at = float("-inf")
        self._failures_seen = 0
        self._check_failed = False
        self._markers: dict[int, bytes] = {}
        self._check_lock: asyncio.Lock | None = None

    def _marker_prefix(self) -> str:
        raise NotImplementedError

    def _marker_connections(self) -> list[Any]:
        raise NotImplementedError

    async def membership_epoch(self, max_age: float) -> int:
        """A number that changes whenever group memberships may have been lost since the last call."""
        if time.monotonic() - self._checked_at < max_age:
            return self._epoch
        if self._check_lock is None:
            self._check_lock = asyncio.Lock()
        async with self._check_lock:
            if time.monotonic() - self._checked_at >= max_age:
                self._checked_at = time.monotonic()
                if await self._memberships_lost():
                    self._epoch += 1
        return self._epoch

    async def _memberships_lost(self) -> bool:
        marker = keys.channel_layer_marker(self._marker_prefix())
        lost = self.receive_failures != self._failures_seen
        self._failures_seen = self.receive_failures
        try:
            for index, connection in enumerate(self._marker_connections()):
                await connection.set(marker, secrets.token_hex(8), nx=True)
                token = await connection.get(marker)
                lost = lost or self._markers.get(index, token) != token
                self._markers[index] = token
        except LAYER_ERRORS:
            self._check_failed = True
            return False  # nothing to re-join while Redis is away; the next check decides
        lost, self._check_failed = lost or self._check_failed, False
        return lost


class TrackeepChannelLayer(MembershipEpoch, RedisChannelLayer):
    """``RedisChannelLayer`` that survives Redis restarts and tells consumers when to re-join."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_epoch()

    def create_pool(self, index: int) -> Any:
        return _retrying_pool(self.hosts[index])

    async def receive(self, channel: str) -> Any:
        delay = RECEIVE_RETRY_SECONDS
        while True:
            try:
                return await super().receive(channel)
            except LAYER_ERRORS as error:
                self.receive_failures += 1
                if delay == RECEIVE_RETRY_SECONDS:
                    logger.warning("channel layer receive failed (%s); retrying", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECEIVE_RETRY_MAX_SECONDS)

    def _marker_prefix(self) -> str:
        return str(self.prefix)

    def _marker_connections(self) -> list[Any]:
        return [self.connection(index) for index in range(self.ring_size)]


class _PubSub(redis.asyncio.client.PubSub):
    """redis-py's PubSub, which subscribes again when its connection comes back, telling ``lost``.

    A reconnect is not always an error the receive loop sees: a server that is back before the loop
    next reads (a quick restart, a busy process) is reconnected to inside redis-py's retry."""

    def __init__(self, pool: Any, lost: Callable[[], None]) -> None:
        super().__init__(pool)
        self._on_lost = lost

    async def on_connect(self, connection: Any) -> None:
        if self.subscribed:  # a first connection has nothing to subscribe to again
            self._on_lost()
        await super().on_connect(connection)


class _Shard(RedisSingleShardConnection):
    """One Redis of the pub/sub layer: retrying connections, and a receive loop that waits through
    an outage (redis-py subscribes again when the connection is back) and counts it."""

    channel_layer: _LoopLayer
    _redis: redis.asyncio.Redis | None

    def _ensure_redis(self) -> None:
        if self._redis is None:
            client = redis.asyncio.Redis(connection_pool=_retrying_pool(self.host))
            self._redis, self._pubsub = client, _PubSub(client.connection_pool, self._lost)

    def _lost(self) -> None:
        """The subscriptions were away: whatever was published meanwhile is lost; sockets resync."""
        self.channel_layer.channel_layer.receive_failures += 1

    def client(self) -> redis.asyncio.Redis:
        """This shard's client (for the marker check)."""
        self._ensure_redis()
        return cast(redis.asyncio.Redis, self._redis)

    async def _follow_primary(self) -> None:
        """Behind Sentinel: close a subscription left on a replaced primary; the next read reconnects
        through Sentinel and subscribes again (and sockets resync)."""
        connection = self._pubsub.connection if self._pubsub else None
        if connection is not None and not await sentinel.still_on_primary(connection):
            logger.warning("channel layer subscription on a replaced primary; moving to the new one")
            await connection.disconnect()

    async def _do_receiving(self) -> None:
        delay = RECEIVE_RETRY_SECONDS
        while True:
            try:
                if self._pubsub and self._pubsub.subscribed:
                    await self._follow_primary()
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                    self._receive_message(message)
                else:
                    await asyncio.sleep(0.1)
                delay = RECEIVE_RETRY_SECONDS
            except LAYER_ERRORS as error:
                self._lost()
                if delay == RECEIVE_RETRY_SECONDS:
                    logger.warning("channel layer subscription lost (%s); reconnecting", error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECEIVE_RETRY_MAX_SECONDS)
            except Exception:  # anything else: as channels-redis does, log it and keep receiving
                logger.exception("unexpected error in the channel layer's receive loop")
                await asyncio.sleep(RECEIVE_RETRY_MAX_SECONDS)


class _LoopLayer(RedisPubSubLoopLayer):
    """The pub/sub layer of one event loop, on ``_Shard``s."""

    channel_layer: TrackeepPubSubChannelLayer
    _shards: list[RedisSingleShardConnection]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shards = [_Shard(shard.host, self) for shard in self._shards]
        self._shards = self.shards


class TrackeepPubSubChannelLayer(MembershipEpoch, RedisPubSubChannelLayer):
    """channels-redis' pub/sub layer that survives Redis restarts and tells consumers to resync."""

    def __init__(self, *args: Any, prefix: str = "asgi", **kwargs: Any) -> None:
        super().__init__(*args, prefix=prefix, **kwargs)
        self.prefix = prefix
        self._init_epoch()

    def _get_layer(self) -> _LoopLayer:
        loop = asyncio.get_running_loop()
        layer = self._layers.get(loop)
        if layer is None:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer

    def _marker_prefix(self) -> str:
        return self.prefix

    def _marker_connections(self) -> list[Any]:
        return [shard.client() for shard in self._get_layer().shards]
