"""The shared server-log check fails on a Python traceback and on a redis-server crash, not otherwise."""

from __future__ import annotations

import logging
import traceback

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.server_logs import REDIS_FAILURE_MARKERS, assert_clean_logs, checked_redis, failures_in
from tools.redis_process import RedisProcess


def logged_exception() -> str:
    """What daphne writes when a consumer raises: an error line, then the traceback."""
    try:
        raise redis.TimeoutError("Timeout reading from 127.0.0.1:6379")
    except redis.TimeoutError:
        trace = traceback.format_exc()
    return (
        "2026-01-01 10:00:00,000 INFO daphne.server: serving\n"
        "2026-01-01 10:00:05,000 ERROR daphne.server: Exception inside application: Timeout reading\n"
        f"{trace}"
        '127.0.0.1:5000 - - [01/Jan/2026:10:00:06] "GET /healthz" 200 2\n'
    )


def test_a_logged_exception_is_one_failure_with_its_traceback() -> None:
    (excerpt,) = failures_in(logged_exception())
    assert excerpt.startswith("2026-01-01 10:00:05,000 ERROR daphne.server: Exception inside application")
    assert "Traceback (most recent call last)" in excerpt
    assert "redis.exceptions.TimeoutError" in excerpt
    with pytest.raises(pytest.fail.Exception, match=r"daphne-0\.log"):
        assert_clean_logs({"daphne-0.log": logged_exception()})


def test_a_bare_traceback_is_a_failure_and_ordinary_lines_are_not() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
    assert failures_in(logging.Formatter().format(record)) == []
    assert failures_in("WARNING Not Found: /nope\nTraceback (most recent call last):\n  boom") != []
    assert_clean_logs({"gunicorn": "[INFO] Booting worker with pid: 7\n[INFO] Shutting down: Master\n"})


@pytest.mark.slow
def test_a_redis_server_that_crashed_fails_the_test_and_a_healthy_one_does_not() -> None:
    with checked_redis(RedisProcess()) as healthy:
        assert redis.Redis(port=healthy.port).ping()
    assert "Ready to accept connections" in healthy.final_log

    crashing = RedisProcess(extra_args=("--enable-debug-command", "yes"))
    with (
        pytest.raises(pytest.fail.Exception, match="REDIS BUG REPORT"),
        checked_redis(crashing),
        pytest.raises(redis.ConnectionError),  # the server died under the command
    ):
        redis.Redis(port=crashing.port, retry=Retry(NoBackoff(), 0)).execute_command("DEBUG", "SEGFAULT")
    assert failures_in(crashing.final_log, REDIS_FAILURE_MARKERS) != []
