"""The RQ worker class (settings ``RQ["WORKER_CLASS"]``), run by ``manage.py rqworker``.

RQ's forking worker (each job runs in a child process), with Trackeep's settings:

- jobs are read as JSON whatever ``--serializer`` says, like every queue in ``RQ_QUEUES``;
- a running job's heartbeat every ``JOBS_HEARTBEAT_SECONDS``; a job whose worker died (killed, OOM,
  lost host) is *abandoned* once ``JOBS_ABANDONED_GRACE_SECONDS`` pass without one (RQ fixes that
  grace at 60 s), and the next registry clean-up retries it (or files it as failed when no retry
  is left);
- registries are cleaned every ``JOBS_MAINTENANCE_SECONDS``, also by an idle worker: RQ cleans only
  between jobs or blocking waits, so the wait is capped at that period;
- a Redis that goes away for a moment (a Sentinel failover, a restart) is waited out. RQ retries
  only its blocking dequeue; a connection error anywhere else in its loop (the job's heartbeat, the
  status read after a job, the worker's state, registry clean-up, the suspension check) ends the
  worker, and its scheduler process dies on the first failed heartbeat. Here those steps log a
  warning and the loop carries on; a job whose completion could not be recorded is handled like
  any abandoned job (its started-registry entry expires and the clean-up retries it), which jobs
  allow (they are idempotent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from django.conf import settings
from redis.client import Pipeline
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.executions import Execution
from rq.job import Job
from rq.queue import Queue
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer
from rq.worker import Worker as RQWorker

logger = logging.getLogger(__name__)

# Errors of a Redis that is away for now (behind Sentinel, the primary being replaced).
REDIS_OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)


@contextmanager
def redis_outage_tolerated(step: str) -> Iterator[None]:
    """Log a Redis connection error or timeout in ``step`` as a warning instead of raising it."""
    try:
        yield
    except REDIS_OUTAGE_ERRORS as error:
        logger.warning("Redis unavailable while %s (%s); carrying on", step, error)


class Scheduler(RQScheduler):
    """RQ's scheduler process, which outlives a Redis outage instead of dying on its first heartbeat."""

    def work(self) -> None:
        self._install_signal_handlers()
        self.register_birth()
        while True:
            if self._stop_requested:
                with redis_outage_tolerated("stopping the scheduler"):
                    self.stop()
                break
            with redis_outage_tolerated("scheduling jobs"):
                if self.should_reacquire_locks:
                    self.acquire_locks()
                self.heartbeat()
                self.enqueue_scheduled_jobs()
            time.sleep(self.interval)


class Worker(RQWorker):
    """RQ's worker with Trackeep's serializer, heartbeat, abandonment grace and clean-up period."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["serializer"] = JSONSerializer
        kwargs.setdefault("job_monitoring_interval", settings.JOBS_HEARTBEAT_SECONDS)
        kwargs.setdefault("maintenance_interval", settings.JOBS_MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = "INFO",
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        if burst:  # enqueues due jobs once, in this process: nothing long-lived to protect
            super()._start_scheduler(burst, logging_level, date_format, log_format)
            return
        # RQ's own body, with the Scheduler above in place of RQScheduler.
        self.scheduler = Scheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        self.scheduler.acquire_locks()
        if self.scheduler.acquired_locks:
            self.scheduler.start()

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            super().execute_job(job, queue)
        except REDIS_OUTAGE_ERRORS as error:
            logger.warning(
                "job %s: Redis unavailable while it finished (%s); if its end was not recorded, "
                "it is retried as an abandoned job",
                job.id,
                error,
            )

    def maintain_heartbeats(self, job: Job, execution: Execution) -> None:
        with redis_outage_tolerated(f"sending job {job.id}'s heartbeat"):
            super().maintain_heartbeats(job, execution)

    def heartbeat(self, timeout: int | None = None, pipeline: Pipeline | None = None) -> None:
        if pipeline is not None:  # only queued; the pipeline's execute() is where Redis answers
            super().heartbeat(timeout, pipeline)
            return
        with redis_outage_tolerated("sending the worker's heartbeat"):
            super().heartbeat(timeout)

    def set_state(self, state: str, pipeline: Pipeline | None = None) -> None:
        if pipeline is not None:
            super().set_state(state, pipeline)
            return
        with redis_outage_tolerated(f"recording the worker's state ({state})"):
            super().set_state(state)

    def run_maintenance_tasks(self) -> None:
        with redis_outage_tolerated("cleaning the job registries"):
            super().run_maintenance_tasks()

    def check_for_suspension(self, burst: bool) -> None:
        with redis_outage_tolerated("checking for suspension"):
            super().check_for_suspension(burst)

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(self.worker_ttl - 15, self.maintenance_interval))

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """Seconds the job's started-registry entry lives without a new heartbeat."""
        until_next_beat = float(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            until_next_beat = min(job.timeout - working_time, until_next_beat)
        return int(until_next_beat) + settings.JOBS_ABANDONED_GRACE_SECONDS
