"""Fault suite scenario 4: an app instance restarted during 500 concurrent sends.

Two instances as compose runs them (gunicorn for HTTP, Daphne for sockets) on one redis-server of
the test's own and the shared database. Twenty threads send 500 messages over HTTP, alternating
between the instances; once a third of them are accepted, instance 1 is stopped with SIGTERM (gunicorn
finishes the requests it has; Daphne closes its sockets) and started again. One receiving socket is on
instance 0, which stays up; another on instance 1, which reconnects after its last id and is sent what
it missed. Promised: no 5xx; every message the app accepted (201) is stored and reaches both sockets,
live or by replay. Sends refused while instance 1 was down were not accepted and are only counted.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from bench.appservers import AppCluster
from tests.server_logs import checked_cluster, checked_redis
from tests.system.load import Receiver, Tally, request, suite_env
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # PostgreSQL: see conftest

MESSAGES = 500
SENDERS = 20
RESTART_AFTER_ACCEPTED = MESSAGES // 3
DELIVERY_WAIT_SECONDS = 30.0


@dataclass
class Setup:
    cluster: AppCluster
    alice: dict[str, Any]
    bob: dict[str, Any]
    conversation: int


@pytest.fixture
def setup(cluster_database: dict[str, Any], redis_key_prefix: str, tmp_path: Path) -> Iterator[Setup]:
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        cluster = AppCluster(
            redis_url=server.url,
            key_prefix=redis_key_prefix,
            http_server="gunicorn",
            extra_env=suite_env(MESSAGING_SOCKET_CHECK_SECONDS="2"),
            **cluster_database,
        )
        with checked_cluster(cluster):
            seeded = cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
            yield Setup(cluster, seeded["users"]["alice"], seeded["users"]["bob"], seeded["direct"])


def test_every_accepted_message_is_stored_and_delivered_across_an_instance_restart(setup: Setup) -> None:
    cluster, conversation = setup.cluster, setup.conversation
    receivers = [Receiver(cluster.ws_url(i, ""), setup.alice["session"], conversation) for i in (0, 1)]
    for receiver in receivers:
        receiver.start()
    time.sleep(1)  # both sockets open before the first send
    tally = Tally()
    numbers = count()
    numbers_lock = threading.Lock()
    path = f"/messages/c/{conversation}/send/"

    def sender() -> None:
        while True:
            with numbers_lock:
                n = next(numbers)
            if n >= MESSAGES:
                return
            instance = n % 2
            status, text = request(
                cluster.ports[instance], "POST", path, setup.bob["session"], {"body": f"m{n}"}, True
            )
            tally.count("POST", path, status, text)
            if status == 201:
                tally.accept("message", int(json.loads(text)["id"]))
            elif status in ("refused", "error"):
                tally.accept(f"not accepted on instance {instance}", n)

    started = time.monotonic()
    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    while len(tally.accepted.get("message", [])) < RESTART_AFTER_ACCEPTED:
        assert any(thread.is_alive() for thread in threads), tally.statuses
        time.sleep(0.05)
    accepted_at_restart = len(tally.accepted["message"])
    down = time.monotonic()
    cluster.stop_instance(1)
    cluster.start_instance(1)
    downtime = time.monotonic() - down
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started

    sent = set(tally.accepted.get("message", []))
    missing = [receiver.wait_for(sent, DELIVERY_WAIT_SECONDS) for receiver in receivers]
    for receiver in receivers:
        receiver.stop()
    stored = set(cluster.stored({"user_id": setup.alice["id"], "conversation": conversation})["messages"])
    not_accepted = {kind: len(v) for kind, v in tally.accepted.items() if kind != "message"}
    print(
        f"\ninstance restart: {tally.requests} sends in {elapsed:.1f} s by {SENDERS} threads "
        f"{dict(tally.statuses)}; instance 1 restarted after {accepted_at_restart} accepted, down "
        f"{downtime:.1f} s; not accepted {not_accepted}; accepted {len(sent)}, stored {len(sent & stored)}, "
        f"stored in all {len(stored)}; delivered on instance 0's socket {len(sent & receivers[0].delivered)} "
        f"({len(sent & receivers[0].replayed)} replayed), "
        f"on instance 1's {len(sent & receivers[1].delivered)} "
        f"({len(sent & receivers[1].replayed)} replayed, {receivers[1].connects} connects "
        f"{dict(receivers[1].failures)})"
    )

    assert tally.requests == MESSAGES
    assert tally.server_errors == []
    assert "timeout" not in tally.statuses
    assert not sent - stored
    assert missing == [set(), set()], f"accepted but not delivered: {[sorted(m) for m in missing]}"
    assert receivers[1].connects >= 2  # the restart did end its socket, and it came back
