"""The periodic scheduler (``manage.py jobs_scheduler``): RQ's CronScheduler fed from the registry.

RQ's cron loop (sleep until the next job is due, enqueue, heartbeat) is used as it is, and it shows
in the django-rq admin pages. What changes is how a due job is enqueued: RQ's CronJob uses a plain
queue (pickled arguments, no retries); here it goes through core.jobs like every other job, so the
worker (which reads JSON only) can run it and it gets its declared retries, timeout and queue.

RQ's cron loop has no leader election, so each run is claimed first: the scheduler that sets the
key of the run's time slot (``SET NX``; the cron time, or ``now // interval`` for interval jobs)
enqueues it, the others skip it. Several schedulers (one per app host, or a second one started by
mistake) therefore enqueue each run once; an interval job runs at most once per interval window.
Interval jobs are due right after a scheduler starts (claimed like any run).

RQ's loop ends on the first Redis error (an enqueue, the heartbeat, saving the jobs' timing). Here a
Redis that is away for a moment (a Sentinel failover, a restart) is waited out: the step logs a
warning, a job that could not be enqueued stays due and is enqueued once Redis answers, and the
loop pauses ``OUTAGE_PAUSE_SECONDS`` between attempts instead of spinning on the overdue job.
"""

from __future__ import annotations

import logging
import time

from redis import Redis
from redis.client import Pipeline
from rq import cron_job_registry
from rq.cron import CronJob, CronScheduler
from rq.defaults import DEFAULT_CRON_JOB_HISTORY_LIMIT, DEFAULT_CRON_JOB_HISTORY_TTL
from rq.job import Job
from rq.utils import now

from core.jobs.queueing import enqueue_call, get_queue
from core.jobs.registry import PeriodicJob, options_of, periodic_jobs
from core.jobs.worker import REDIS_OUTAGE_ERRORS, redis_outage_tolerated
from core.redis import keys

logger = logging.getLogger(__name__)

CRON_CLAIM_TTL = 3600
"""Seconds a cron run's claim is kept: far longer than schedulers' clocks and loops drift apart."""
OUTAGE_PAUSE_SECONDS = 1.0


class PeriodicCronJob(CronJob):
    """A periodic job, enqueued through core.jobs and recorded in RQ's cron job history."""

    def claim(self, connection: Redis) -> bool:
        """Whether this scheduler won the run that is due now (another scheduler may have)."""
        if self.cron:
            assert self.next_enqueue_time is not None
            slot, ttl = int(self.next_enqueue_time.timestamp()), CRON_CLAIM_TTL
        else:
            assert self.interval is not None
            slot, ttl = int(now().timestamp()) // self.interval, self.interval
        return bool(connection.set(keys.periodic_run_claim(self.name, slot), 1, nx=True, ex=ttl))

    def enqueue(self, connection: Redis) -> Job:
        assert self.func is not None
        with connection.pipeline() as pipeline:
            job = enqueue_call(self.func, self.args, self.kwargs, pipeline=pipeline)
            assert job.enqueued_at is not None
            enqueued = job.enqueued_at.timestamp()
            # As RQ's CronJob.enqueue: the job history (admin) and the cron job registry.
            pipeline.zadd(self.job_history_key, {job.id: enqueued})
            pipeline.zremrangebyrank(self.job_history_key, 0, -(DEFAULT_CRON_JOB_HISTORY_LIMIT + 1))
            pipeline.expire(self.job_history_key, DEFAULT_CRON_JOB_HISTORY_TTL)
            cron_job_registry.add(self.name, pipeline, enqueue_timestamp=enqueued)
            pipeline.execute()
        return job


class ClaimingCronScheduler(CronScheduler):
    """RQ's cron loop, enqueueing a due run only when this scheduler claims it."""

    def enqueue_jobs(self) -> list[CronJob]:
        enqueue_time = now()
        enqueued: list[CronJob] = []
        for cron_job in self._cron_jobs:
            if not cron_job.should_run():
                continue
            if isinstance(cron_job, PeriodicCronJob) and not cron_job.claim(self.connection):
                self.log.info("Periodic job %s: this run was enqueued by another scheduler", cron_job.name)
            else:
                cron_job.enqueue(self.connection)
                enqueued.append(cron_job)
            cron_job.set_enqueue_time(enqueue_time)
        return enqueued


def cron_job(periodic: PeriodicJob) -> PeriodicCronJob:
    options = options_of(periodic.func)
    return PeriodicCronJob(
        queue_name=options.queue,
        func=periodic.func,
        args=periodic.args,
        kwargs=periodic.kwargs,
        interval=periodic.interval,
        cron=periodic.cron,
        job_timeout=options.timeout,
        name=periodic.name,
    )


class Scheduler(ClaimingCronScheduler):
    """The claiming cron loop, which waits out a Redis outage instead of exiting."""

    def enqueue_jobs(self) -> list[CronJob]:
        try:
            enqueued: list[CronJob] = super().enqueue_jobs()
        except REDIS_OUTAGE_ERRORS as error:
            logger.warning(
                "Redis unavailable while enqueueing periodic jobs (%s); trying again in %.0f s",
                error,
                OUTAGE_PAUSE_SECONDS,
            )
            time.sleep(OUTAGE_PAUSE_SECONDS)
            return []
        return enqueued

    def save(self, pipeline: Pipeline | None = None) -> None:
        if pipeline is not None:  # only queued; whoever executes the pipeline meets Redis
            super().save(pipeline)
            return
        with redis_outage_tolerated("saving the periodic jobs' timing"):
            super().save()

    def heartbeat(self) -> None:
        with redis_outage_tolerated("sending the scheduler's heartbeat"):
            super().heartbeat()


def build_scheduler(name: str = "") -> Scheduler:
    """A Scheduler holding every registered periodic job (none registered: an idle one)."""
    scheduler = Scheduler(connection=get_queue().connection, name=name)
    for periodic in periodic_jobs():
        scheduler.get_jobs().append(cron_job(periodic))
        schedule = periodic.cron or f"every {periodic.interval} s"
        scheduler.log.info("Periodic job %s: %s", periodic.name, schedule)
    return scheduler
