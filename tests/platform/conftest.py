"""Fixtures for platform tests: private Redis servers, a silent TCP port, a controllable breaker clock.

``point_roles_at`` re-targets the ``default`` (cache) and ``state`` aliases while keeping the test's
own KEY_PREFIX from the root conftest, so the shared 127.0.0.1:6379 is never touched by outages.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.redis import breaker
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` (another thread's progress); fail if it never becomes true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def breaker_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Every breaker created during the test reads this clock instead of time.monotonic."""
    clock = FakeClock()
    monkeypatch.setattr(breaker, "CircuitBreaker", functools.partial(breaker.CircuitBreaker, clock=clock))
    breaker.reset_all_breakers()
    return clock


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    """A redis-server of this test's own; its data directory survives stop()/start()."""
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        yield server


class Blackhole:
    """A TCP port whose listener accepts connections and never answers (a hung Redis)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = int(self._listener.getsockname()[1])
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept_forever(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def close(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    yield hole
    hole.close()
