"""Connections found through Redis Sentinel that follow the primary when it moves.

redis-py's Sentinel connections ask Sentinel for the primary only when a pool hands out an unconnected
connection. Four gaps showed under failover (tests/system/test_sentinel_failover.py):

- a command whose connection turns out to point at a replaced primary (it answers ``READONLY``
  after its demotion) fails: Sentinel pools' connections have no retry, and where one is configured
  it reconnects *to the address the connection had*, not through Sentinel;
- a connection that stays open to a primary Sentinel has already replaced keeps writing there until
  Sentinel gets round to reconfiguring it as a replica (seconds later: Redis's split-brain window),
  while the same process's new connections write to the new primary. Those writes are lost when the
  old primary resyncs, and a socket whose receive sits on one server never hears what is sent on the
  other;
- a blocked command (the channel layer's receive) on a primary that is made a replica fails with
  ``UNBLOCKED``, an error redis-py passes on as is: the WebSocket ended with 1011.

- redis-py finds the primary with ``SENTINEL MASTERS``, whose answer from the sentinel that leads a
  failover names the old primary until the whole failover has ended (seconds after the promotion);
  ``SENTINEL GET-MASTER-ADDR-BY-NAME``, what the Sentinel client guidelines prescribe, names the new
  one as soon as it is promoted.

``SentinelPrimaryConnection`` (and the asyncio and TLS variants, for the channel layer and
``rediss://``) retries a command once on a connection error (not on a timeout: a frozen server is not
waited for twice), asks Sentinel (by name) on every reconnect, turns ``UNBLOCKED`` into a connection error (as
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
from redis.asyncio.retry import Retry as AsyncRetry
from redis.asyncio.sentinel import SentinelManagedConnection as AsyncSentinelManagedConnection
from redis.backoff import NoBackoff
from redis.connection import SSLConnection
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, SentinelManagedConnection

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


def _address(found: Any, pool: Any) -> tuple[str, int] | None:
    if not found:
        return None
    host = found[0].decode() if isinstance(found[0], bytes) else str(found[0])
    address = (host, int(found[1]))
    pool.master_address = address  # what redis-py's own lookup records, for its pool bookkeeping
    return address


def _ask(pool: Any) -> tuple[str, int]:
    """The primary of ``pool``'s service, by ``SENTINEL GET-MASTER-ADDR-BY-NAME`` (first answer)."""
    for sentinel in pool.sentinel_manager.sentinels:
        with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
            address = _address(sentinel.sentinel_get_master_addr_by_name(pool.service_name), pool)
            if address:
                return address
    raise MasterNotFoundError(f"No master found for {pool.service_name!r}")


async def _ask_async(pool: Any) -> tuple[str, int]:
    """``_ask`` for a redis.asyncio pool."""
    for sentinel in pool.sentinel_manager.sentinels:
        with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
            address = _address(await sentinel.sentinel_get_master_addr_by_name(pool.service_name), pool)
            if address:
                return address
    raise MasterNotFoundError(f"No master found for {pool.service_name!r}")


def _elsewhere(connection: Any, primary: tuple[str, int] | None) -> bool:
    """Is ``connection`` open to a server other than ``primary`` (None: not known yet)?"""
    if primary is None:
        return False
    return (str(primary[0]), int(primary[1])) != (str(connection.host), int(connection.port))


class SentinelPrimaryConnection(SentinelManagedConnection):
    """A connection to the current primary: every (re)connect asks Sentinel, and an open connection
    to a replaced primary is reopened to the new one when its pool next lends it out."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("retry") is None:  # redis-py's Sentinel passes None: no retry at all
            kwargs["retry"] = Retry(NoBackoff(), 1, (redis.ConnectionError,))
        super().__init__(**kwargs)

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
            self.host, self.port = _ask(self.connection_pool)
        super().connect_check_health(check_health=check_health, retry_socket_connect=retry_socket_connect)

    def connect(self) -> None:
        # Every borrow from the pool comes here (a no-op on an open connection, in redis-py).
        pool = self.connection_pool
        if self._sock is not None and pool.is_master:
            if _due(pool):
                with contextlib.suppress(redis.ConnectionError):  # no answer: keep the server we have
                    _ask(pool)
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

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("retry") is None:
            kwargs["retry"] = AsyncRetry(NoBackoff(), 1, (redis.ConnectionError,))
        super().__init__(**kwargs)

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
            self.host, self.port = await _ask_async(self.connection_pool)
        await super().connect_check_health(
            check_health=check_health, retry_socket_connect=retry_socket_connect
        )

    async def connect(self) -> None:
        pool = self.connection_pool
        if self.is_connected and pool.is_master:
            if _due(pool):
                with contextlib.suppress(redis.ConnectionError):
                    await _ask_async(pool)
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


async def still_on_primary(connection: Any) -> bool:
    """For a connection held open, never lent again (the channel layer's subscription): False when
    Sentinel now names another primary (asked at most every ``PRIMARY_CHECK_SECONDS`` per pool).
    A subscription left on a demoted primary hears nothing the new one's publishers send."""
    if not isinstance(connection, AsyncSentinelPrimaryConnection) or not connection.is_connected:
        return True
    pool: Any = connection.connection_pool
    if not pool.is_master:
        return True
    if _due(pool):
        with contextlib.suppress(redis.ConnectionError):
            await _ask_async(pool)
    return not _elsewhere(connection, pool.master_address)
