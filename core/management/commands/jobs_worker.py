"""``manage.py jobs_worker``: a job worker on every queue, as ``make run`` and compose start it.

django-rq's ``rqworker`` on ``settings.JOBS_QUEUES`` in priority order, with RQ's scheduler (it
moves retries whose backoff has passed, and delayed jobs, back onto their queue; one worker at a
time holds it). The worker class, serializer and periods come from settings (core.jobs.worker).
The worker process listens for system events (core.system_events) while it runs.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from core.system_events import subscriber


class Command(BaseCommand):
    help = "Run a job worker on every queue (stops after the current job on SIGINT/SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="worker name shown in the admin (default: a random one)")

    def handle(self, *args: Any, **options: Any) -> None:
        subscriber.start()
        call_command(
            "rqworker",
            *settings.JOBS_QUEUES,
            with_scheduler=True,
            name=options["name"],
            verbosity=options["verbosity"],
        )
