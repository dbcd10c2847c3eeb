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
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Any

import redis
from channels_redis.core import RedisChannelLayer
from channels_redis.utils import create_pool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core.redis import keys

logger = logging.getLogger("core.redis")

RECEIVE_RETRY_SECONDS = 0.1
RECEIVE_RETRY_MAX_SECONDS = 2.0
LAYER_ERRORS = (redis.ConnectionError, redis.TimeoutError)
LAYER_BREAKER = "channel layer"  # the breaker (core.redis.breaker) of sends through the layer


class TrackeepChannelLayer(RedisChannelLayer):
    """``RedisChannelLayer`` that survives Redis restarts and tells consumers when to re-join."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.receive_failures = 0
        self._epoch = 0
        self._checked_at = float("-inf")
        self._failures_seen = 0
        self._check_failed = False
        self._markers: dict[int, bytes] = {}
        self._check_lock: asyncio.Lock | None = None

    def create_pool(self, index: int) -> Any:
        # One retry, on connection errors only, for a pooled connection the server has closed.
        retry = {
            "retry": Retry(NoBackoff(), 1, (redis.ConnectionError,)),
            "retry_on_error": [redis.ConnectionError],
        }
        return create_pool({**retry, **self.hosts[index]})

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
        marker = keys.channel_layer_marker(self.prefix)
        lost = self.receive_failures != self._failures_seen
        self._failures_seen = self.receive_failures
        try:
            for index in range(self.ring_size):
                connection = self.connection(index)
                await connection.set(marker, secrets.token_hex(8), nx=True)
                token = await connection.get(marker)
                lost = lost or self._markers.get(index, token) != token
                self._markers[index] = token
        except LAYER_ERRORS:
            self._check_failed = True
            return False  # nothing to re-join while Redis is away; the next check decides
        lost, self._check_failed = lost or self._check_failed, False
        return lost
