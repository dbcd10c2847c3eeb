"""Fail a test when a server process it started logged a traceback or crashed.

Every fixture or test that starts daphne, gunicorn or redis-server processes hands their logs to
``assert_clean_log`` once the processes have stopped (``checked_redis`` does it for a
``RedisProcess``). A Python server that swallows an exception into its log (daphne's "Exception inside
application", a gunicorn worker's traceback) still answers the next request, so only its log shows
that something broke; a redis-server writes a bug report before it dies. ``checked_cluster`` does the
same for the daphne processes of a ``bench.appservers.AppCluster``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

import pytest

from bench.appservers import AppCluster
from tools.redis_process import RedisProcess

# Lines that mean a Python server (daphne, gunicorn, a management command) hit an unhandled error.
PYTHON_FAILURE_MARKERS = ("Traceback (most recent call last)", "Exception inside application")
# Lines of redis-server's crash report (a segfault, an assertion, a failed fork...).
REDIS_FAILURE_MARKERS = ("REDIS BUG REPORT START", "Guru Meditation", "ASSERTION FAILED")
CONTEXT_LINES = 15

R = TypeVar("R", bound=RedisProcess)


def failures_in(text: str, markers: tuple[str, ...] = PYTHON_FAILURE_MARKERS) -> list[str]:
    """Excerpts of ``text``, each starting at a line that contains one of ``markers``.

    A marker inside the previous excerpt (daphne's "Exception inside application" line is followed
    by its "Traceback") does not start another one.
    """
    lines = text.splitlines()
    excerpts, next_free = [], 0
    for number, line in enumerate(lines):
        if number >= next_free and any(marker in line for marker in markers):
            excerpts.append("\n".join(lines[number : number + CONTEXT_LINES]))
            next_free = number + CONTEXT_LINES
    return excerpts


def assert_clean_logs(logs: Mapping[str, str], markers: tuple[str, ...] = PYTHON_FAILURE_MARKERS) -> None:
    """Fail the test if any of ``logs`` (name -> text) contains a failure marker."""
    found = [
        f"--- {name} ---\n{excerpt}" for name, text in logs.items() for excerpt in failures_in(text, markers)
    ]
    if found:
        pytest.fail("server log shows an unhandled error:\n" + "\n".join(found), pytrace=False)


@contextmanager
def checked_redis(server: R) -> Iterator[R]:
    """Run ``server`` for the block, then fail the test if its log shows a crash."""
    with server:
        yield server
    assert_clean_logs({f"redis-server :{server.port}": server.final_log}, REDIS_FAILURE_MARKERS)


@contextmanager
def checked_cluster(cluster: AppCluster) -> Iterator[AppCluster]:
    """Run the app servers of ``cluster`` for the block, then fail the test if a log shows an error."""
    with cluster:
        yield cluster
    assert_clean_logs(cluster.final_logs)
