"""The periodic monitoring job (registered by core.apps, run by the job workers)."""

from __future__ import annotations

from datetime import timedelta

from core import jobs
from core.monitoring.sampler import sample_all

SAMPLE_EVERY = timedelta(minutes=1)


@jobs.job(retries=0, timeout=60)
def sample_redis() -> None:
    """Sample every monitored Redis role into its time series (core.monitoring.sampler)."""
    sample_all()


def register() -> None:
    jobs.register_periodic(sample_redis, every=SAMPLE_EVERY, name="redis-monitoring")
