"""Jobs run by real ``manage.py rqworker`` processes against a redis-server of the test's own."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest
import redis
from django.db import transaction
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry

from core import jobs
from core.jobs.declared import DeclaredJob
from tests.jobs.processes import JobProcess, wait_for
from tests.jobs.sampleapp.jobs import always_fails, record, sleep_between_records, slow_first_time
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
KEY = "tk:jobtest:evidence"


class Rollback(Exception):
    pass


def test_a_job_enqueued_in_a_transaction_runs_after_commit_and_never_after_rollback(
    worker: Callable[[str], JobProcess], evidence: redis.Redis
) -> None:
    process = worker("w1")
    queue = jobs.get_queue()
    with transaction.atomic():
        jobs.enqueue_on_commit(record, KEY, "committed")
        # Nothing has reached Redis yet, so the running worker cannot have started it.
        assert queue.count == 0 and not evidence.exists(KEY)
    with pytest.raises(Rollback), transaction.atomic():
        jobs.enqueue_on_commit(record, KEY, "rolled back")
        raise Rollback
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint rolled back inside a committed transaction
                jobs.enqueue_on_commit(record, KEY, "savepoint rolled back")
                raise Rollback
        except Rollback:
            pass
        jobs.enqueue_on_commit(record, KEY, "outer committed")
    # One worker takes jobs in order: once this one ran, anything sent before it ran too.
    last = jobs.enqueue(record, KEY, "sent last")
    wait_for(lambda: last.get_status(refresh=True) == JobStatus.FINISHED, "the last job", [process], 20)
    assert evidence.lrange(KEY, 0, -1) == ["committed", "outer committed", "sent last"]


def test_a_failing_job_is_retried_with_backoff_then_kept_as_failed(
    worker: Callable[[str], JobProcess], evidence: redis.Redis
) -> None:
    process = worker("w1")
    process.expected_tracebacks.append("planned failure of always_fails")
    job = jobs.enqueue(always_fails, KEY)
    assert (job.retries_left, job.retry_intervals) == (2, [1, 3])
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FAILED, "the job to fail", [process], 30)
    started = [float(t) for t in evidence.lrange(KEY, 0, -1)]
    assert len(started) == 3  # the first run and two retries, then no more
    # Each retry waited for its backoff (1 s, then 3 s) after the failure before it; RQ schedules
    # in whole seconds, so a wait can end up to a second early.
    assert started[1] - started[0] > 0 and started[2] - started[1] > 2
    assert job.id in FailedJobRegistry(queue=jobs.get_queue())
    assert "planned failure of always_fails" in str(job.latest_result().exc_string)


def test_a_job_naming_an_undeclared_function_is_refused(
    worker: Callable[[str], JobProcess], evidence: redis.Redis
) -> None:
    process = worker("w1")
    process.expected_tracebacks.append("UndeclaredJob")
    # As if written into Redis by someone else: a real function, but not a declared job.
    forged = jobs.get_queue().enqueue_call("os.remove", args=["/nonexistent/trackeep"])
    wait_for(lambda: forged.get_status(refresh=True) == JobStatus.FAILED, "the forged job", [process], 20)
    assert "is not declared with @core.jobs.job" in str(forged.latest_result().exc_string)
    assert isinstance(forged, DeclaredJob)


def test_a_job_whose_worker_is_killed_mid_run_is_retried_by_another_worker(
    worker: Callable[[str], JobProcess], evidence: redis.Redis
) -> None:
    first = worker("doomed")
    job = jobs.enqueue(slow_first_time, KEY)
    wait_for(lambda: evidence.llen(KEY) == 1, "the first run to start", [first], 20)
    assert job.id in StartedJobRegistry(queue=jobs.get_queue())
    (announced,) = evidence.lrange(KEY, 0, -1)
    horse = int(announced.removeprefix("started "))
    # The worker, its scheduler and the child running the job die at once, as with the container.
    first.kill()
    os.kill(horse, signal.SIGKILL)

    second = worker("rescuer")

    def finished() -> bool:
        return job.get_status(refresh=True) == JobStatus.FINISHED

    wait_for(finished, "the retried job", [first, second], 40)
    runs = evidence.lrange(KEY, 0, -1)
    assert runs[0] == f"started {horse}"
    assert runs[-1].startswith("finished ") and runs[-1] != f"finished {horse}"
    job.refresh()
    assert job.retries_left == 1  # the abandoned run used one retry
    assert job.id not in FailedJobRegistry(queue=jobs.get_queue())


def test_the_worker_and_its_scheduler_wait_out_a_redis_outage_during_a_job(
    worker: Callable[[str], JobProcess], evidence: redis.Redis, job_redis: RedisProcess
) -> None:
    """RQ retries only its blocking dequeue: the job's heartbeat (every JOBS_HEARTBEAT_SECONDS)
    failing while Redis was away ended the worker, and the scheduler died on its own heartbeat."""
    process = worker("w1")
    job = jobs.enqueue(sleep_between_records, KEY, 4.0)
    wait_for(lambda: evidence.lrange(KEY, 0, -1) == ["started"], "the job to start", [process], 20)
    job_redis.stop()  # saves its data; the same port and directory come back
    time.sleep(2.5)  # two heartbeats of the job, and of the scheduler, fail meanwhile
    job_redis.start()
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, "the job to finish", [process], 30)
    later = jobs.enqueue(record, KEY, "after the outage")
    wait_for(lambda: later.get_status(refresh=True) == JobStatus.FINISHED, "the next job", [process], 30)
    assert evidence.lrange(KEY, 0, -1) == ["started", "finished", "after the outage"]
    assert process.proc.poll() is None, process.output()[-3000:]
    assert "Redis unavailable while sending job" in process.output()
