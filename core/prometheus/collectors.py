"""Figures read when Prometheus scrapes: the job queues' depth and failed jobs, from Redis."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.jobs import get_queue
from core.redis.errors import RedisUnavailable


class JobQueueCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("trackeep_job_queue_depth", "Jobs waiting, by queue.", labels=["queue"])
        failed = GaugeMetricFamily(
            "trackeep_job_failed", "Jobs in the failed registry, by queue.", labels=["queue"]
        )
        for name in settings.JOBS_QUEUES:
            try:
                queue = get_queue(name)
                depth.add_metric([name], queue.count)
                failed.add_metric([name], queue.failed_job_registry.count)
            except RedisUnavailable:
                continue  # the scrape still answers; the missing series shows the outage
        yield depth
        yield failed
