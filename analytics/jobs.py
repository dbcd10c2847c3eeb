"""Analytics jobs: rebuild every user's derived analytics (``analytics.rebuild``) in the worker.

Enqueued by the ``analytics.refresh`` system event (``manage.py analytics_refresh``): whichever process
claims the event first enqueues the job, so one refresh runs however many instances hear it.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model

from analytics.rebuild import rebuild_users
from core import jobs, system_events

logger = logging.getLogger(__name__)

REFRESH = "analytics.refresh"  # the system event's kind
CHUNK = 500


@jobs.job(queue="low", retries=1)
def refresh_all_users() -> int:
    """Rebuild the roll-up, streaks and Redis state of every active user; how many were rebuilt."""
    ids = list(get_user_model().objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += rebuild_users(ids[start : start + CHUNK])
    logger.info("analytics refreshed for %d user(s)", done)
    return done


def on_refresh(event: system_events.Event) -> None:
    """The ``analytics.refresh`` handler of every process: the first to claim the event enqueues."""
    if system_events.claim(event):
        jobs.enqueue(refresh_all_users)
