"""The sample app's jobs. Each records what it did in a Redis list the test names (``key``).

They write with a plain client on ``REDIS_URL`` (the test's private server): these records are the
tests' evidence, not app state.
"""

from __future__ import annotations

import os
import time

import redis

from core import jobs

HOLD_SECONDS = 120


def _redis() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


@jobs.job
def record(key: str, value: str) -> str:
    _redis().rpush(key, value)
    return value


@jobs.job(retries=2, backoff=[1, 3])
def always_fails(key: str) -> None:
    _redis().rpush(key, repr(time.time()))
    raise RuntimeError("planned failure of always_fails")


@jobs.job(retries=2, backoff=[0])
def slow_first_time(key: str) -> None:
    """The first run announces its process and then waits to be killed; a later run finishes.

    No backoff: a retry that waits goes through RQ's scheduler, whose lock the killed worker holds
    for another minute (the test would wait for that, not for the rescue).
    """
    client = _redis()
    first = client.rpush(key, f"started {os.getpid()}") == 1
    if first:
        time.sleep(HOLD_SECONDS)
    client.rpush(key, f"finished {os.getpid()}")


@jobs.job
def sleep_between_records(key: str, seconds: float) -> None:
    """Record the start, wait ``seconds`` (without Redis), record the end."""
    _redis().rpush(key, "started")
    time.sleep(seconds)
    _redis().rpush(key, "finished")


@jobs.job
def tick() -> float:
    return time.time()
