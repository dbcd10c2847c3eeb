"""Two app server processes sharing Redis and a database: fan-out crosses instances."""

from __future__ import annotations

import json

import pytest
from websockets.sync.client import connect

from bench.appservers import AppCluster, http_json
from tests.messaging.conftest import next_created, post_message, socket_headers

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
