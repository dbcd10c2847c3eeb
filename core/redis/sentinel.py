"""Connections found through Redis Sentinel that follow the primary when it moves.

redis-py's Sentinel connections ask Sentinel for the primary only when a pool hands out an unconnected
connection. Three gaps showed under failover (tests/system/test_sentinel_failover.py):

- a connection that drops mid-command (the primary was killed, or answered ``READONLY`` after its
  demotion) is reconnected by the client's retry *to the address it had*, not through Sentinel, so
  every retry of that command fails again;
- a connection that stays open to a primary Sentinel has already replaced keeps writing there until
  Sentinel gets round to reconfiguring it as a replica (seconds later: Redis's split-brain window),
  while the same process's new connections write to the new primary. Those writes are lost when the
  old primary resyncs, and a socket whose receive sits on one server never hears what is sent on the
  other;
- a blocked command (the channel layer's receive) on a primary that is made a replica fails with
  ``UNBLOCKED``, an error redis-py passes on as is: the WebSocket ended with 1011.

``SentinelPrimaryConnection`` (and the asyncio and TLS variants, for the channel layer and
``rediss://``) asks Sentinel on every reconnect, turns ``UNBLOCKED`` into a connection error (as
redis-py does with ``READONLY``: reconnect, through Sentinel), and whenever its pool lends it out it
compares its server with the primary the pool last heard of; the pool asks Sentinel again at most
every ``PRIMARY_CHECK_SECONDS`` (one ``SENTINEL MASTERS`` round trip per pool). A connection to a
server that is no longer the primary is closed and reopened to the new one. The check runs at the
borrow, not before each command, because a pub/sub connection is read by one thread while another
sends on it: closing it under the reader breaks the reader (RQ's command listener did). Used through
``connection_class`` by every role's pool when ``REDIS_SENTINELS`` is set (trackeep/redis_config.py).
Kept free of Django imports, like the settings module that names it.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import redis
from redis.asyncio.connection import SSLConnection as AsyncSSLConnection
from redis.asyncio.sentinel import SentinelManagedConnection as AsyncSentinelManagedConnection
from redis.connection import SSLConnection
from redis.sentinel import SentinelManagedConnection

PRIMARY_CHECK_SECONDS = 1.0
# What a server answers a blocked command (BZPOPMIN, the channel layer's receive) when it is made a
# replica: the same news as READONLY, which redis-py already turns into a reconnect.
_UNBLOCKED = "UNBLOCKED"
_DEMOTED = "the primary became a replica during a blocking command"

_ASKED_AT = "_trackeep_primary_asked_at"  # on the pool a connection knows (a proxy of it, in fact)


def _due(pool: Any) -> bool:
    """Is it time to ask Sentinel again for ``pool``'s primary? (Marks it asked if so.)"""
    now = time.monotonic()
    if now - getattr(pool, _ASKED_AT, float("-inf")) < PRIMARY_CHECK_SECONDS:
        return False
    setattr(pool, _ASKED_AT, now)
    return True


def _elsewhere(connection: Any, primary: tuple[str, int] | None) -> bool:
    """Is ``connection`` open to a server other than ``primary`` (None: not known yet)?"""
    if primary is None:
        return False
    return (str(primary[0]), int(primary[1])) != (str(connection.host), int(connection.port))


class SentinelPrimaryConnection(SentinelManagedConnection):
    """A connection to the current primary: every (re)connect asks Sentinel, and an open connection
    to a replaced primary is reopened to the new one when its pool next lends it out."""

    def _connect_retry(self) -> None:
        if self._sock or not self.connection_pool.is_master:
            super()._connect_retry()
            return
        self.connect_check_health(
            check_health=self.connection_pool.check_connection, retry_socket_connect=False
        )

    def connect_check_health(self, check_health: bool = True, retry_socket_connect: bool = True) -> None:
        if self._sock is None and self.connection_pool.is_master:
            # Also the client's retry after a dropped connection: to the primary of now, not of then.
            self.host, self.port = self.connection_pool.get_master_address()
        super().connect_check_health(check_health=check_health, retry_socket_connect=retry_socket_connect)

    def connect(self) -> None:
        # Every borrow from the pool comes here (a no-op on an open connection, in redis-py).
        pool = self.connection_pool
        if self._sock is not None and pool.is_master:
            if _due(pool):
                # No Sentinel answering: keep the server we have. A move also closes idle connections.
                with contextlib.suppress(redis.ConnectionError):
                    pool.get_master_address()
            if _elsewhere(self, pool.master_address):
                self.disconnect()
        super().connect()

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except redis.ResponseError as error:
            if self.connection_pool.is_master and str(error).startswith(_UNBLOCKED):
                self.disconnect()
                raise redis.ConnectionError(_DEMOTED) from error
            raise


class SentinelPrimarySSLConnection(SentinelPrimaryConnection, SSLConnection):
    """``SentinelPrimaryConnection`` over TLS (``rediss://`` role URLs)."""


class AsyncSentinelPrimaryConnection(AsyncSentinelManagedConnection):
    """``SentinelPrimaryConnection`` for redis.asyncio (the channel layer)."""

    async def _connect_retry(self) -> None:
        if self.is_connected or not self.connection_pool.is_master:
            await super()._connect_retry()
            return
        await self.connect_check_health(
            check_health=self.connection_pool.check_connection, retry_socket_connect=False
        )

    async def connect_check_health(
        self, check_health: bool = True, retry_socket_connect: bool = True
    ) -> None:
        if not self.is_connected and self.connection_pool.is_master:
            self.host, self.port = await self.connection_pool.get_master_address()
        await super().connect_check_health(
            check_health=check_health, retry_socket_connect=retry_socket_connect
        )

    async def connect(self) -> None:
        pool = self.connection_pool
        if self.is_connected and pool.is_master:
            if _due(pool):
                with contextlib.suppress(redis.ConnectionError):
                    await pool.get_master_address()
            if _elsewhere(self, pool.master_address):
                await self.disconnect()
        await super().connect()

    async def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().read_response(*args, **kwargs)
        except redis.ResponseError as error:
            if self.connection_pool.is_master and str(error).startswith(_UNBLOCKED):
                await self.disconnect()
                raise redis.ConnectionError(_DEMOTED) from error
            raise


class AsyncSentinelPrimarySSLConnection(AsyncSentinelPrimaryConnection, AsyncSSLConnection):
    """``AsyncSentinelPrimaryConnection`` over TLS."""
