"""The periodic job that drains the audit stream into the database (registered by core.apps)."""

from __future__ import annotations

from datetime import timedelta

from core import jobs
from core.audit.consumer import drain

DRAIN_EVERY = timedelta(seconds=10)


@jobs.job(retries=0, timeout=120)
def drain_audit() -> None:
    """Move new and stale pending audit entries into the database (core.audit.consumer)."""
    drain()


def register() -> None:
    jobs.register_periodic(drain_audit, every=DRAIN_EVERY, name="audit-drain")
