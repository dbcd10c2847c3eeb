"""Periodic jobs: declared by an app's AppConfig.ready(), enqueued by ``manage.py jobs_scheduler``."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from rq.cron import get_cron_job_ids
from rq.job import Job, JobStatus

from core import jobs
from tests.jobs.processes import JobProcess, wait_for
from tests.jobs.sampleapp.apps import TICK_EVERY_SECONDS
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # the periodic jobs read tables
RUNS = 3


def test_a_periodic_job_an_app_registered_runs_on_schedule(
    job_process: Callable[..., JobProcess], worker: Callable[[str], JobProcess], job_redis: RedisProcess
) -> None:
    scheduler = job_process("scheduler", "jobs_scheduler")
    runner = worker("w1")
    connection = jobs.get_queue().connection

    def finished_runs() -> list[Job]:
        found = Job.fetch_many(get_cron_job_ids("sample-tick", connection), connection=connection)
        return [job for job in found if job and job.get_status() == JobStatus.FINISHED]

    wait_for(lambda: len(finished_runs()) >= RUNS, f"{RUNS} runs of the tick", [scheduler, runner], 30)
    enqueued = sorted(job.enqueued_at.timestamp() for job in finished_runs() if job.enqueued_at)
    # One run per period, not a burst: consecutive runs are about a period apart.
    assert all(b - a >= TICK_EVERY_SECONDS * 0.9 for a, b in itertools.pairwise(enqueued))
    assert "Periodic job sample-tick: every 1 s" in scheduler.output()


def test_health_command_sees_the_worker_and_the_scheduler_on_this_host(
    job_process: Callable[..., JobProcess], worker: Callable[[str], JobProcess]
) -> None:
    def alive(process: str) -> bool:
        try:
            call_command("jobs_health", process, verbosity=0)
        except CommandError:
            return False
        return True

    assert not alive("worker") and not alive("scheduler")
    with pytest.raises(CommandError, match="No live job worker"):
        call_command("jobs_health", "worker")
    runner = worker("w1")
    scheduler = job_process("scheduler", "jobs_scheduler")
    wait_for(lambda: alive("worker"), "a live worker", [runner], 30)
    wait_for(lambda: alive("scheduler"), "a live scheduler", [scheduler], 30)
    # RQ handles SIGTERM only once its loop runs (it signs up first); its first clean-up shows that.
    wait_for(lambda: "cleaning registries" in runner.output(), "the worker's loop", [runner], 30)
    runner.stop()
    scheduler.stop()
    assert not alive("worker"), runner.output()  # signed off on the way out
    assert not alive("scheduler"), scheduler.output()


def test_the_scheduler_waits_out_a_redis_outage(
    job_process: Callable[..., JobProcess], job_redis: RedisProcess
) -> None:
    """RQ's cron loop raised out on the first enqueue or heartbeat that met a dead Redis."""
    scheduler = job_process("scheduler", "jobs_scheduler")
    connection = jobs.get_queue().connection

    def runs() -> int:
        return len(get_cron_job_ids("sample-tick", connection))

    wait_for(lambda: runs() >= 1, "a first run of the tick", [scheduler], 30)
    job_redis.stop()  # saves its data; the same port and directory come back
    time.sleep(2.5)  # two periods of the tick pass meanwhile
    job_redis.start()
    before = runs()
    wait_for(lambda: runs() > before, "the tick after the outage", [scheduler], 30)
    assert scheduler.proc.poll() is None, scheduler.output()[-3000:]
    assert "Redis unavailable while" in scheduler.output()
