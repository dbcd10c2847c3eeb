"""Two app server processes sharing Redis and a database: fan-out and revocations cross instances."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from websockets.sync.client import connect

from bench.appservers import AppCluster, form_request, http_json
from tests.messaging.conftest import next_created, post_message, socket_headers
from tests.server_logs import checked_cluster, checked_redis
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.slow


def test_message_posted_on_b_reaches_a_socket_on_a_within_a_second(app_cluster: AppCluster) -> None:
    seeded = app_cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    conversation = seeded["direct"]
    alice, bob = seeded["users"]["alice"], seeded["users"]["bob"]
    with connect(
        app_cluster.ws_url(0, f"/ws/messages/{conversation}/"),
        additional_headers=socket_headers(app_cluster, alice["session"]),
    ) as socket:
        sent = post_message(app_cluster, 1, conversation, bob["session"], "from B")
        created = next_created(socket, timeout=1.0)  # TimeoutError fails the test
    assert created["data"]["id"] == sent["id"]
    assert created["data"]["body"] == "from B"
    assert created["conversation_id"] == conversation


def test_a_socket_on_a_catches_up_after_messages_posted_on_b_while_it_was_away(
    app_cluster: AppCluster,
) -> None:
    seeded = app_cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    conversation = seeded["direct"]
    alice, bob = seeded["users"]["alice"], seeded["users"]["bob"]
    send_url = app_cluster.url(1, f"/messages/c/{conversation}/send/")
    first = http_json(send_url, bob["session"], {"body": "seen"})[1]["id"]
    missed = [http_json(send_url, bob["session"], {"body": f"missed {i}"})[1]["id"] for i in range(3)]
    path = f"/ws/messages/{conversation}/?after={first}"
    with connect(
        app_cluster.ws_url(0, path), additional_headers=socket_headers(app_cluster, alice["session"])
    ) as socket:
        replayed = [json.loads(socket.recv(timeout=2)) for _ in range(4)]
    assert [e["data"].get("id") for e in replayed[:3]] == missed
    assert replayed[3]["type"] == "sync.complete"
    status, backfill = http_json(
        app_cluster.url(0, f"/messages/c/{conversation}/messages/?after={first}"), alice["session"]
    )
    assert status == 200 and [m["id"] for m in backfill["messages"]] == missed


@pytest.fixture
def cluster_on_private_redis(
    migrated_database: Path, redis_key_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[AppCluster, RedisProcess]]:
    """Two instances whose every Redis role is one redis-server of the test's own."""
    monkeypatch.setenv("SESSION_REVOCATIONS_REFRESH_SECONDS", "0.2")  # inherited by both instances
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        cluster = AppCluster(redis_url=server.url, key_prefix=redis_key_prefix, template=migrated_database)
        with checked_cluster(cluster):
            yield cluster, server


def status_of(cluster: AppCluster, index: int, method: str, path: str, session: str) -> int:
    """The status of one request (redirects not followed), with a session cookie and a CSRF token."""
    return form_request(cluster.ports[index], method, path, session, timeout=60)[0]


def test_a_sign_out_the_state_redis_could_not_take_holds_on_the_other_instance(
    cluster_on_private_redis: tuple[AppCluster, RedisProcess],
) -> None:
    cluster, server = cluster_on_private_redis
    thief_copy = cluster.seed({"usernames": ["alice"]})["users"]["alice"]["session"]
    assert status_of(cluster, 1, "GET", "/accounts/profile/", thief_copy) == 200
    pause_seconds = 20
    redis.Redis(port=server.port).execute_command("CLIENT", "PAUSE", pause_seconds * 1000, "WRITE")
    paused_at = time.monotonic()
    # The owner signs this device out on instance 0: the row goes, Redis cannot delete its copy.
    assert status_of(cluster, 0, "POST", "/accounts/logout/", thief_copy) == 302
    # Instance 1 still reads that copy from Redis (reads are not paused), but knows it is stale.
    time.sleep(0.5)  # more than one refresh of instance 1's copy of the shared list
    assert status_of(cluster, 1, "GET", "/accounts/profile/", thief_copy) == 302
    assert time.monotonic() - paused_at < pause_seconds  # all of it happened during the pause
