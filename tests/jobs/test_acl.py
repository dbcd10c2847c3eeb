"""The job queue under the production ACL: a worker and the scheduler against the compose state Redis.

The server is started from docker-compose.yml's own command (user ``trackeep``, keys ``tk:*`` only,
no admin or dangerous commands), so RQ's keys must all carry our prefix and its commands must all be
allowed, or these jobs never finish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from rq.cron import get_cron_job_ids
from rq.job import JobStatus

from core import jobs
from tests.deploy.redis_servers import AclRedisProcess, compose_redis
from tests.jobs.processes import JobProcess, wait_for
from tests.jobs.sampleapp.jobs import record
from tests.server_logs import checked_redis

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # the periodic jobs read tables


@pytest.fixture
def job_redis_server(tmp_path: Path) -> Iterator[AclRedisProcess]:
    conf = tmp_path / "conf"
    conf.mkdir()
    with checked_redis(compose_redis("redis-state", conf)) as server:
        yield server


@pytest.fixture
def job_redis_url(job_redis_server: AclRedisProcess) -> str:
    return job_redis_server.app_url


def test_worker_and_scheduler_run_jobs_under_the_compose_acl(
    job_process: Callable[..., JobProcess], worker: Callable[[str], JobProcess], evidence: redis.Redis
) -> None:
    runner = worker("w1")
    scheduler = job_process("scheduler", "jobs_scheduler")
    job = jobs.enqueue(record, "tk:jobtest:acl", "allowed")
    connection = jobs.get_queue().connection

    def done() -> bool:
        ticks = get_cron_job_ids("sample-tick", connection)
        return job.get_status(refresh=True) == JobStatus.FINISHED and len(ticks) >= 2

    wait_for(done, "the job and two periodic runs", [runner, scheduler], 30)
    assert evidence.lrange("tk:jobtest:acl", 0, -1) == ["allowed"]
    assert all(key.startswith("tk:") for key in evidence.scan_iter(match="*"))
    for process in (runner, scheduler):
        assert "NOPERM" not in process.output() and "not supported" not in process.output()
