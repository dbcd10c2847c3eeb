"""Circuit breaker built into every Redis connection Trackeep opens.

django-redis's ``IGNORE_EXCEPTIONS`` turns errors into misses but still waits for a timeout on every
call (jazzband/django-redis#155). Here each server (host, port) has one breaker per process: after
``REDIS_BREAKER_FAILURES`` consecutive connection failures or timeouts it opens, and for
``REDIS_BREAKER_RESET_SECONDS`` every new connection attempt fails at once with
``redis.ConnectionError``, so each caller's outage policy (cache miss, database session, fail-open
limiter...) applies without waiting. After the period one trial connection is let through
(half-open); its success closes the breaker, its failure opens it for another period. A dead Redis
therefore costs about one timeout per period, not one per call, and recovery needs no restart.

The connection classes here are used by ``core.redis.pool.TrackeepConnectionPool``. Each state
change (and each breaker's creation, closed) is reported to the ``add_listener`` callbacks: the
Prometheus gauge of breaker state per role (core.prometheus.breakers).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from redis.connection import Connection, SSLConnection

logger = logging.getLogger("core.redis")

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"

Listener = Callable[[str, str], None]  # (breaker name, new state)
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    """Call ``listener(name, state)`` whenever a breaker is created or changes state."""
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(name: str, state: str) -> None:
    for listener in _listeners:
        listener(name, state)


class CircuitBreaker:
    """Consecutive-failure breaker with a half-open trial. Thread-safe."""

    def __init__(
        self,
        name: str,
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at = 0.0
        self._state = CLOSED
        self._trial_in_flight = False
        self.times_opened = 0

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == OPEN and self._clock() - self._opened_at >= self.reset_seconds:
                return HALF_OPEN
            return self._state

    def allow(self) -> bool:
        """May a new connection attempt go to the server now?"""
        changed = False
        with self._lock:
            if self._state == CLOSED:
                return True
            if self._state == OPEN and self._clock() - self._opened_at >= self.reset_seconds:
                self._state = HALF_OPEN
                self._trial_in_flight = False
                changed = True
            allowed = self._state == HALF_OPEN and not self._trial_in_flight
            if allowed:
                self._trial_in_flight = True
        if changed:
            _notify(self.name, HALF_OPEN)
        return allowed

    def record_success(self) -> None:
        if self._state == CLOSED and not self._failures:
            return  # the common case on every reply: no lock taken
        with self._lock:
            changed = self._state != CLOSED
            if changed:
                logger.warning("Redis %s reachable again; circuit closed", self.name)
            self._state = CLOSED
            self._failures = 0
            self._trial_in_flight = False
        if changed:
            _notify(self.name, CLOSED)

    def record_failure(self) -> None:
        changed = False
        with self._lock:
            self._failures += 1
            if self._state == HALF_OPEN or self._failures >= self.failure_threshold:
                changed = self._state != OPEN
                if changed:
                    self.times_opened += 1
                    logger.error(
                        "Redis %s unreachable; circuit open for %.1fs",
                        self.name,
                        self.reset_seconds,
                    )
                self._state = OPEN
                self._opened_at = self._clock()
                self._trial_in_flight = False
        if changed:
            _notify(self.name, OPEN)


_registry: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def breaker_for(name: str) -> CircuitBreaker:
    """The process-wide breaker of one Redis server, created on first use from settings."""
    breaker = _registry.get(name)
    if breaker is None:
        from django.conf import settings

        with _registry_lock:
            created = name not in _registry
            breaker = _registry.setdefault(
                name,
                CircuitBreaker(
                    name,
                    failure_threshold=settings.REDIS_BREAKER_FAILURES,
                    reset_seconds=settings.REDIS_BREAKER_RESET_SECONDS,
                ),
            )
        if created:
            _notify(name, CLOSED)
    return breaker


def reset_all_breakers() -> None:
    """Forget every breaker (tests, and settings changes)."""
    with _registry_lock:
        _registry.clear()


class BreakerConnectionMixin:
    """Consults the server's breaker before connecting; reports connect failures and timeouts.

    Every reply counts as a success, so failures only accumulate while they are consecutive.
    """

    host: str
    port: int
    _breaker_connecting = False

    def _breaker(self) -> CircuitBreaker:
        return breaker_for(f"{self.host}:{self.port}")

    def connect(self) -> None:
        if getattr(self, "_sock", None) is not None:
            return
        breaker = self._breaker()
        if not breaker.allow():
            raise redis.ConnectionError(f"Redis {self.host}:{self.port} skipped: circuit open")
        self._breaker_connecting = True
        try:
            super().connect()  # type: ignore[misc]
        except BaseException:
            # Any error (a refused or silent socket, but also e.g. SELECT of a missing DB) must
            # settle a half-open trial, or the breaker would refuse every connection from then on.
            breaker.record_failure()
            raise
        finally:
            self._breaker_connecting = False
        breaker.record_success()

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            response = super().read_response(*args, **kwargs)  # type: ignore[misc]
        except redis.TimeoutError:
            # A server that accepts connections but does not answer (paused, overloaded). During
            # connect() the handshake's timeout is counted once, by connect() itself.
            if not self._breaker_connecting:
                self._breaker().record_failure()
            raise
        self._breaker().record_success()
        return response


class BreakerConnection(BreakerConnectionMixin, Connection):
    """Plain TCP connection with the breaker."""


class BreakerSSLConnection(BreakerConnectionMixin, SSLConnection):
    """TLS (``rediss://``) connection with the breaker."""
