"""Helpers of the in-process benchmarks (``bench.search``, ``bench.analytics``).

They run the app's own functions inside one Python process (no HTTP load generator): a fresh
database (a temporary SQLite file, or a database created next to a PostgreSQL URL and dropped at
the end), a private Redis key prefix deleted at the end, and counters of database queries and
Redis round trips around a block.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def setup_database(postgres: str | None, label: str) -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh bench database; returns (description, drop function)."""
    if not postgres:
        directory = Path(tempfile.mkdtemp(prefix=f"trackeep-bench-{label}-"))
        path = directory / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def drop_sqlite() -> None:
            for file in directory.iterdir():
                file.unlink()
            directory.rmdir()

        return f"SQLite file {path}", drop_sqlite
    import psycopg

    name = f"trackeep_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + name

    def drop_postgres() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"PostgreSQL database {name} (created for this run)", drop_postgres


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Count database queries and Redis round trips (packets sent) inside the block."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.redis.breaker import BreakerConnection

    counts = {"queries": 0, "redis": 0}
    original = BreakerConnection.send_packed_command

    def counted(self: BreakerConnection, command: Any, check_health: bool = True) -> None:
        counts["redis"] += 1
        original(self, command, check_health)

    BreakerConnection.send_packed_command = counted  # type: ignore[method-assign]
    try:
        with CaptureQueriesContext(connection) as queries:
            yield counts
        counts["queries"] = len(queries)
    finally:
        BreakerConnection.send_packed_command = original  # type: ignore[method-assign]


def cleanup_redis(prefix: str) -> None:
    """Delete every key of this run's private prefix."""
    from core.redis.client import get_client

    client = get_client("state")
    found = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if found:
        client.unlink(*found)


def p(samples: list[float], pct: int) -> float:
    """The ``pct``-th percentile of ``samples`` (inclusive method; a lone sample is itself)."""
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]
