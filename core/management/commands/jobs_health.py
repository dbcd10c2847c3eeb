"""``manage.py jobs_health worker|scheduler``: is a job worker (scheduler) alive on this host?

Exits 0 when one registered from this host name has sent a heartbeat recently, 1 otherwise: the
healthcheck of the compose ``worker`` and ``scheduler`` containers. Queue counts: ``manage.py rqstats``
or the admin's Django-RQ page.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rq.cron import CronScheduler

from core.jobs.queueing import get_queue
from core.jobs.worker import Worker


def worker_is_fresh(last_heartbeat: datetime | None) -> bool:
    # An idle worker beats once per maintenance period, a busy one once per heartbeat period.
    period = max(settings.JOBS_MAINTENANCE_SECONDS, settings.JOBS_HEARTBEAT_SECONDS)
    oldest = datetime.now(UTC) - timedelta(seconds=2 * period + 10)
    return last_heartbeat is not None and last_heartbeat.replace(tzinfo=UTC) >= oldest


class Command(BaseCommand):
    help = "Exit 0 if a job worker (or the scheduler) on this host has a recent heartbeat, else 1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", choices=["worker", "scheduler"])

    def handle(self, *args: Any, **options: Any) -> None:
        host = socket.gethostname()
        connection = get_queue().connection
        try:
            if options["process"] == "worker":
                alive = any(
                    w.hostname == host and worker_is_fresh(w.last_heartbeat)
                    for w in Worker.all(connection=connection)
                )
            else:
                # all() first drops schedulers whose heartbeat is older than RQ's 120 s.
                alive = any(s.hostname == host for s in CronScheduler.all(connection))
        except redis.RedisError as exc:
            raise CommandError(f"The state Redis does not answer: {exc}", returncode=1) from exc
        if not alive:
            raise CommandError(f"No live job {options['process']} on {host}.", returncode=1)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Job {options['process']} alive on {host}.")
