"""The connection pool behind every django-redis alias: wait for a free connection, age, statistics.

The seed's pool settings (section 5.3) on top of redis-py's ``BlockingConnectionPool``:

- a request that finds every connection of the pool (``REDIS_POOL_SIZE``) lent out waits up to
  ``REDIS_POOL_TIMEOUT`` for one to come back instead of failing at once (redis-py's plain pool raises
  "Too many connections" immediately); only a wait that runs out raises ``redis.ConnectionError``;
- idle connections are PINGed before use once ``REDIS_HEALTH_CHECK_INTERVAL`` has passed (redis-py's
  ``health_check_interval``, passed through to the connections);
- a connection open longer than ``REDIS_MAX_CONN_AGE`` is closed when it is returned, and the next
  borrower opens a fresh one (so a failed-over or re-balanced server is picked up);
- every TCP/TLS connection goes through the circuit breaker (``core.redis.breaker``);
- ``stats()`` counts per process: connections in use and idle, connections opened, borrows that had
  to wait, waits that timed out, connections replaced for their age.

Named in django-redis's ``CONNECTION_POOL_CLASS`` option (trackeep/redis_config.py).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from queue import Empty, LifoQueue
from time import monotonic
from typing import Any

from redis.connection import BlockingConnectionPool, Connection, SSLConnection, UnixDomainSocketConnection

from core.redis.breaker import BreakerConnection, BreakerSSLConnection


class AgedConnectionMixin:
    """Remembers when the socket was opened and how many times it was (first connect and reconnects)."""

    _sock: Any
    opened_at = 0.0
    times_opened = 0

    def connect_check_health(self, *args: Any, **kwargs: Any) -> None:
        # Every way redis-py opens a socket (connect(), a send or read on a closed connection) ends here.
        was_closed = self._sock is None
        super().connect_check_health(*args, **kwargs)  # type: ignore[misc]
        if was_closed and self._sock is not None:
            self.opened_at = monotonic()
            self.times_opened += 1

    def age(self) -> float:
        """Seconds since the open socket was connected (0 when closed)."""
        return monotonic() - self.opened_at if self._sock is not None else 0.0


class PoolConnection(AgedConnectionMixin, BreakerConnection):
    """Plain TCP connection with the breaker and an age."""


class PoolSSLConnection(AgedConnectionMixin, BreakerSSLConnection):
    """TLS (``rediss://``) connection with the breaker and an age."""


class PoolUnixConnection(AgedConnectionMixin, UnixDomainSocketConnection):
    """Unix-socket connection with an age (no breaker: a local socket fails fast anyway)."""


@dataclass(frozen=True)
class PoolStats:
    """One pool's numbers in this process (counters since the process started)."""

    size: int  # connections the pool may open (REDIS_POOL_SIZE)
    in_use: int  # lent out now
    idle: int  # in the pool now, ready to lend
    created: int  # sockets opened to Redis: first connects, reconnects and age replacements
    waits: int  # borrows that found no free connection and waited
    timeouts: int  # of those, waits that ran out (the caller got redis.ConnectionError)
    recycled: int  # connections closed for reaching REDIS_MAX_CONN_AGE

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class _Counters:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.waits = 0
        self.timeouts = 0
        self.recycled = 0

    def add(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)


class _CountingQueue(LifoQueue[Any]):
    """The free-connection queue of one pool; counts the borrows that had to wait, and the timeouts."""

    def __init__(self, maxsize: int, counters: _Counters) -> None:
        super().__init__(maxsize)
        self._counters = counters

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        try:
            return super().get(block=False)
        except Empty:
            if not block:
                raise
        self._counters.add("waits")
        try:
            return super().get(block=True, timeout=timeout)
        except Empty:
            self._counters.add("timeouts")
            raise


class TrackeepConnectionPool(BlockingConnectionPool):
    """Blocking pool with breaker connections, a maximum connection age and statistics."""

    def __init__(
        self, connection_class: type = Connection, *, max_connection_age: float = 0.0, **kwargs: Any
    ) -> None:
        if issubclass(connection_class, SSLConnection):
            connection_class = PoolSSLConnection
        elif issubclass(connection_class, UnixDomainSocketConnection):
            connection_class = PoolUnixConnection
        elif connection_class is Connection:
            connection_class = PoolConnection
        self.max_connection_age = max_connection_age
        super().__init__(connection_class=connection_class, **kwargs)

    def reset(self) -> None:
        # Also runs in a forked child (redis-py's _checkpid): its counters start from zero.
        self._counters = _Counters()
        self.queue_class = functools.partial(_CountingQueue, counters=self._counters)
        super().reset()

    def release(self, connection: Any) -> None:
        age = connection.age() if isinstance(connection, AgedConnectionMixin) else 0.0
        if self.max_connection_age and age > self.max_connection_age:
            connection.disconnect()  # the next borrower's get_connection() connects afresh
            self._counters.add("recycled")
        super().release(connection)

    def stats(self) -> PoolStats:
        """This process's numbers for this pool."""
        with self._lock:
            connections = list(self._connections)
            idle = sum(1 for c in self.pool.queue if c is not None)
        return PoolStats(
            size=self.max_connections,
            in_use=len(connections) - idle,
            idle=idle,
            created=sum(getattr(c, "times_opened", 0) for c in connections),
            waits=self._counters.waits,
            timeouts=self._counters.timeouts,
            recycled=self._counters.recycled,
        )
