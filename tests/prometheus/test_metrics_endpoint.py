"""GET /metrics: only with the token; counts requests by view, cache lookups, rate-limit decisions, jobs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from core import jobs
from core.redis.families import GLOBAL, CacheFamily
from tests.jobs.sampleapp.jobs import record

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token"


def scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.fixture
def token(settings: Any) -> str:
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def test_without_a_token_setting_or_with_a_wrong_token_there_is_no_endpoint(settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert Client().post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_requests_are_counted_by_view(token: str) -> None:
    client = Client()
    key = ("trackeep_request_seconds_count", (("method", "GET"), ("view", "healthz")))
    before = scrape(client).get(key, 0.0)
    for _ in range(3):
        client.get(reverse("healthz"))
    assert scrape(client)[key] == before + 3


def test_cache_hits_and_misses_are_counted_per_family(token: str) -> None:
    family = CacheFamily(name="metricstest", ttl=60, scope=GLOBAL)
    client = Client()
    hits = ("trackeep_cache_lookups_total", (("family", "metricstest"), ("result", "hit")))
    misses = ("trackeep_cache_lookups_total", (("family", "metricstest"), ("result", "miss")))
    before = scrape(client)
    for _ in range(3):
        family.get_or_compute(lambda: 42, "x")
    after = scrape(client)
    assert after[misses] - before.get(misses, 0.0) == 1
    assert after[hits] - before.get(hits, 0.0) == 2


def test_job_queue_depth_is_read_at_scrape_time(token: str, job_redis: Any) -> None:
    client = Client()
    depth = ("trackeep_job_queue_depth", (("queue", "default"),))
    assert scrape(client)[depth] == 0
    jobs.enqueue(record, "k", "a")
    jobs.enqueue(record, "k", "b")
    assert scrape(client)[depth] == 2


def test_rate_limit_decisions_are_counted_per_policy(token: str) -> None:
    client = Client()

    def decisions(scraped: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> dict[str, float]:
        return {
            f"{dict(labels)['policy']}:{dict(labels)['decision']}": value
            for (name, labels), value in scraped.items()
            if name == "trackeep_ratelimit_decisions_total"
        }

    before = decisions(scrape(client))
    Client().post(reverse("account_login"), {"login": "nobody", "password": "wrong"})
    after = decisions(scrape(client))
    grown = {key for key, value in after.items() if value > before.get(key, 0.0)}
    assert grown and all(key.endswith(":allowed") for key in grown)
