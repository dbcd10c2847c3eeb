"""The RQ worker class (settings ``RQ["WORKER_CLASS"]``), run by ``manage.py rqworker``.

RQ's forking worker (each job runs in a child process), with Trackeep's settings:

- jobs are read as JSON whatever ``--serializer`` says, like every queue in ``RQ_QUEUES``;
- a running job's heartbeat every ``JOBS_HEARTBEAT_SECONDS``; a job whose worker died (killed, OOM,
  lost host) is *abandoned* once ``JOBS_ABANDONED_GRACE_SECONDS`` pass without one (RQ fixes that
  grace at 60 s), and the next registry clean-up retries it (or files it as failed when no retry
  is left);
- registries are cleaned every ``JOBS_MAINTENANCE_SECONDS``, also by an idle worker: RQ cleans only
  between jobs or blocking waits, so the wait is capped at that period.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.worker import Worker as RQWorker


class Worker(RQWorker):
    """RQ's worker with Trackeep's serializer, heartbeat, abandonment grace and clean-up period."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["serializer"] = JSONSerializer
        kwargs.setdefault("job_monitoring_interval", settings.JOBS_HEARTBEAT_SECONDS)
        kwargs.setdefault("maintenance_interval", settings.JOBS_MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        return max(1, min(self.worker_ttl - 15, self.maintenance_interval))

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """Seconds the job's started-registry entry lives without a new heartbeat."""
        until_next_beat = float(self.job_monitoring_interval)
        if job.timeout and job.timeout > 0:
            until_next_beat = min(job.timeout - working_time, until_next_beat)
        return int(until_next_beat) + settings.JOBS_ABANDONED_GRACE_SECONDS
