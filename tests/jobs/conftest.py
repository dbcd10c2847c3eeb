"""Fixtures for the job tests: worker and scheduler processes on the test's own Redis.

The queue sits on a redis-server of the test's own (``job_redis``, root conftest); the processes a
test starts get that server as ``REDIS_URL``. At teardown every process is stopped and its log is
checked: a traceback the test did not expect fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.jobs.processes import JobProcess, database_url, start, subprocess_env
from tests.server_logs import assert_clean_logs
from tools.redis_process import RedisProcess


@pytest.fixture
def evidence(job_redis: RedisProcess, job_redis_url: str) -> redis.Redis:
    """A client on the test's Redis, where the sample jobs record what they did."""
    return redis.Redis.from_url(job_redis_url, decode_responses=True)


@pytest.fixture
def job_process(
    job_redis: RedisProcess, job_redis_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., JobProcess]]:
    """``job_process(name, *manage_py_args)`` starts a command against the test's Redis. Tests marked
    ``django_db`` share their (migrated) database with it: the scheduler enqueues the apps' periodic
    jobs too, and those read tables."""
    started: list[JobProcess] = []
    database = {}
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db")
        database["DATABASE_URL"] = database_url()
    env = subprocess_env(job_redis_url, tmp_path, **database)

    def run(name: str, *command: str) -> JobProcess:
        process = start(name, command, env, tmp_path)
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()
    assert_clean_logs({process.name: process.checked_log() for process in started})


@pytest.fixture
def worker(job_process: Callable[..., JobProcess]) -> Callable[[str], JobProcess]:
    """``worker(name)`` starts ``manage.py jobs_worker``, as make run and compose do."""

    def run(name: str) -> JobProcess:
        return job_process(name, "jobs_worker", "--name", name)

    return run
