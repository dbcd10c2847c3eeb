"""``manage.py analytics_refresh``: ask the deployment to rebuild every user's analytics, once.

Publishes the ``analytics.refresh`` system event (core.system_events); one process claims it and
enqueues the ``refresh_all_users`` job for the worker. ``analytics_rebuild`` does the same work in
this process instead, for chosen users.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from analytics.jobs import REFRESH
from core import system_events


class Command(BaseCommand):
    help = "Enqueue one rebuild of every user's analytics (through a system event)."

    def handle(self, *args: Any, **options: Any) -> None:
        receivers = system_events.publish(REFRESH, {"by": "manage.py analytics_refresh"})
        self.stdout.write(
            self.style.SUCCESS(f"Analytics refresh requested ({receivers} other process(es) heard it).")
        )
