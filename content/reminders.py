"""Task reminders: at ``Task.remind_at`` the owner gets a notification (the bell, live).

``deliver_due()`` finds open tasks whose reminder time has passed and that were not reminded yet,
claims each with a conditional UPDATE (``reminded_at`` still empty), so several processes running
it at once send each reminder exactly once, and sends ``content.events.task_reminder_due`` after the
claim commits; messaging turns that into a notification. The periodic job ``deliver_reminders``
runs it every minute on the job workers (the scheduler of ``make run`` and compose enqueues it);
``manage.py send_reminders`` runs it by hand, once or every N seconds (``--loop``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from content.events import task_reminder_due
from content.models import Task
from core import jobs

logger = logging.getLogger(__name__)
BATCH = 500
CHECK_EVERY = dt.timedelta(minutes=1)


def deliver_due(now: dt.datetime | None = None) -> int:
    """Send every reminder that is due; returns how many were sent."""
    now = now or timezone.now()
    due = (
        Task.objects.filter(
            remind_at__lte=now,
            reminded_at__isnull=True,
            status__in=(Task.Status.PENDING, Task.Status.IN_PROGRESS),
        )
        .order_by("remind_at", "pk")
        .values_list("pk", "owner_id", "title")[:BATCH]
    )
    sent = 0
    for task_id, owner_id, title in due:
        with transaction.atomic():
            if not Task.objects.filter(pk=task_id, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another process claimed it
            url = reverse("content:task_detail", args=[task_id])
            transaction.on_commit(lambda o=owner_id, t=task_id, n=title, u=url: _announce(o, t, n, u))
        sent += 1
    return sent


def _announce(owner_id: int, task_id: int, title: str, url: str) -> None:
    results = task_reminder_due.send_robust(
        sender=Task, user_id=owner_id, task_id=task_id, title=title, url=url
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error("task_reminder_due receiver %r failed", receiver, exc_info=result)


@jobs.job(retries=0, timeout=120)
def deliver_reminders() -> None:
    """The periodic job: send what is due (the next run picks up what a full batch left)."""
    deliver_due()


def register() -> None:
    jobs.register_periodic(deliver_reminders, every=CHECK_EVERY, name="task-reminders")
