"""Fault suite scenario 1: state shared across two app instances (as compose runs them: gunicorn for
HTTP and Daphne for sockets, on one database and one redis-server of the test's own): a session, a
rate-limit budget, cache invalidation and messages made on one instance hold on the other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.appservers import AppCluster, form_request, http_json
from tests.server_logs import checked_cluster, checked_redis
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # PostgreSQL: see conftest
GENERAL_LIMIT = 40


@pytest.fixture
def cluster(
    cluster_database: dict[str, Any],
    redis_key_prefix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[AppCluster]:
    monkeypatch.setenv("RATE_LIMIT_POLICIES_JSON", f'{{"general": {{"limit": {GENERAL_LIMIT}}}}}')
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        app = AppCluster(
            redis_url=server.url,
            key_prefix=redis_key_prefix,
            http_server="gunicorn",
            **cluster_database,
        )
        with checked_cluster(app):
            yield app


def request(
    app: AppCluster, index: int, method: str, path: str, session: str, form: dict[str, str] | None = None
) -> tuple[int, str]:
    status, text, _ = form_request(app.ports[index], method, path, session, form)
    return status, text


def test_session_cache_messages_and_limits_are_shared_by_both_instances(cluster: AppCluster) -> None:
    seeded = cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    alice, bob = seeded["users"]["alice"]["session"], seeded["users"]["bob"]["session"]
    conversation = seeded["direct"]
    statuses: Counter[int] = Counter()

    # A session works on both instances.
    for index in (0, 1):
        status, _ = request(cluster, index, "GET", "/accounts/profile/", alice)
        statuses[status] += 1
        assert status == 200
    # Cache invalidation: instance 0 caches alice's notes, instance 1 adds one, instance 0 shows it.
    status, before = request(cluster, 0, "GET", "/content/notes/", alice)
    assert status == 200 and "Shared across instances" not in before
    status, _ = request(
        cluster, 1, "POST", "/content/notes/new/", alice, {"title": "Shared across instances", "content": "x"}
    )
    assert status == 302
    status, after = request(cluster, 0, "GET", "/content/notes/", alice)
    assert status == 200 and "Shared across instances" in after
    statuses.update([200, 302, 200])
    # Messages: sent on instance 1, in the history instance 0 serves.
    sent = [
        http_json(cluster.url(1, f"/messages/c/{conversation}/send/"), bob, {"body": f"m{i}"})[1]["id"]
        for i in range(5)
    ]
    status, history = http_json(cluster.url(0, f"/messages/c/{conversation}/messages/?after=0"), alice)
    assert status == 200 and [m["id"] for m in history["messages"]][-5:] == sent
    # One budget: requests alternate between the instances; the limit holds for the sum.
    budget: Counter[tuple[int, int]] = Counter()
    for n in range(GENERAL_LIMIT + 10):
        status, _ = request(cluster, n % 2, "GET", "/accounts/profile/", bob)
        budget[(n % 2, status)] += 1
    admitted = budget[(0, 200)] + budget[(1, 200)]
    print(
        f"shared state: statuses {dict(statuses)}, 5 messages sent on B and read on A, budget {dict(budget)}"
    )
    assert budget[(0, 429)] + budget[(1, 429)] > 0
    assert admitted <= GENERAL_LIMIT  # per-process budgets would have admitted every one of them
