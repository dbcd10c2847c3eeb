"""Metrics of several processes in one scrape (prometheus-client's multiprocess mode): two Daphne
instances write to one ``PROMETHEUS_MULTIPROC_DIR``, and either one's /metrics adds both up: requests,
open WebSockets (a live gauge), channel-layer sends and the breaker state per Redis role."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from bench.appservers import AppCluster
from tests.messaging.conftest import migrated_database, next_created, post_message, socket_headers
from tests.server_logs import checked_cluster, checked_redis
from tools.redis_process import RedisProcess

__all__ = ["migrated_database"]
pytestmark = pytest.mark.slow
TOKEN = "multiprocess-test-token"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def cluster(
    migrated_database: Path, redis_key_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppCluster]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))  # inherited by both instances
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        app = AppCluster(redis_url=server.url, key_prefix=redis_key_prefix, template=migrated_database)
        with checked_cluster(app):
            yield app


def scrape(app: AppCluster, index: int) -> Samples:
    request = urllib.request.Request(app.url(index, "/metrics"), headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def get(app: AppCluster, index: int, path: str) -> None:
    with urllib.request.urlopen(app.url(index, path), timeout=10) as response:
        assert response.status == 200


HEALTHZ = ("trackeep_request_seconds_count", (("method", "GET"), ("view", "healthz")))
SOCKETS = ("trackeep_websocket_connections", (("consumer", "MessagingConsumer"),))
SENDS_OK = ("trackeep_channel_layer_sends_total", (("outcome", "ok"),))


def test_one_scrape_adds_up_the_metrics_of_both_instances(cluster: AppCluster) -> None:
    seeded = cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    alice, bob, conversation = seeded["users"]["alice"], seeded["users"]["bob"], seeded["direct"]
    before = scrape(cluster, 0).get(HEALTHZ, 0.0)  # the clusters' own start-up probes
    for index, times in ((0, 3), (1, 2)):
        for _ in range(times):
            get(cluster, index, "/healthz")
    assert scrape(cluster, 0)[HEALTHZ] == before + 5

    with connect(
        cluster.ws_url(1, f"/ws/messages/{conversation}/"),
        additional_headers={**socket_headers(cluster, alice["session"]), "Origin": cluster.url(1, "")},
    ) as socket:
        post_message(cluster, 0, conversation, bob["session"], "counted")
        next_created(socket, timeout=5)
        for index in (0, 1):  # the socket is on B, the send went from A: both scrapes see both
            samples = scrape(cluster, index)
            assert samples[SOCKETS] == 1
            assert samples[SENDS_OK] >= 1
    deadline = time.monotonic() + 5
    while scrape(cluster, 0)[SOCKETS] != 0:  # B counts the socket off when it has closed
        assert time.monotonic() < deadline
        time.sleep(0.05)

    samples = scrape(cluster, 0)
    for role in ("cache", "state"):
        assert samples[("trackeep_redis_breaker_state", (("role", role),))] == 0  # closed
