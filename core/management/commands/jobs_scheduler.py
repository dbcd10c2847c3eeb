"""``manage.py jobs_scheduler``: enqueue the apps' periodic jobs on schedule until stopped.

Periodic jobs are registered by the apps (``core.jobs.register_periodic`` in ``AppConfig.ready()``);
see core.jobs.scheduler. One per deployment is enough (more enqueue each run once), next to at least
one ``manage.py jobs_worker``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.jobs.scheduler import build_scheduler


class Command(BaseCommand):
    help = "Enqueue the registered periodic jobs on schedule (stops on SIGINT/SIGTERM)."

    def handle(self, *args: Any, **options: Any) -> None:
        build_scheduler().start()
