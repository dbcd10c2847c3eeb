"""Fault suite scenario 2: the cache and the state Redis stopped and restarted empty, frozen with
``DEBUG SLEEP`` and with ``CLIENT PAUSE``, one role at a time, under load.

Two app instances as compose runs them (gunicorn for HTTP with the Dockerfile's flags, Daphne for the
sockets), a cache and a state redis-server of the test's own (the channel layer and the job queue on
the state one, as in compose), and the shared database. Threads read pages, create notes and bookmarks
and send messages through both instances while a socket on a conversation receives them. Promised:
no 5xx, every write the app accepted is in the database, every accepted message is delivered (live,
or replayed after a ``resync`` or a reconnect), and each role is used again within a bounded time of
its return, without restarting the app.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import redis

from bench.appservers import AppCluster
from tests.server_logs import checked_cluster, checked_redis
from tests.system.load import Receiver, Tally, accepted, request, suite_env
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # PostgreSQL: see conftest

OUTAGE_SECONDS = 3  # how long each fault lasts
RECOVERY_BOUND_SECONDS = 45.0  # generous: the breaker's reset and the sockets' check are 3 s here
BREAKER_RESET_SECONDS = "3"
SOCKET_CHECK_SECONDS = "2"
REQUEST_JOIN_SECONDS = 40.0  # a load thread's last request
PAUSE_BETWEEN_REQUESTS = 0.05  # per load thread: bounded load on a shared 2-core machine
PAGES = (
    "/",
    "/content/notes/",
    "/content/bookmarks/",
    "/messages/",
    "/search/?q=fault",
    "/accounts/profile/",
)
# Redis keeps nothing across a restart in this suite: no RDB snapshot, no AOF.
EMPTY_ON_RESTART = ("--save", "", "--appendonly", "no", "--enable-debug-command", "yes")


@dataclass
class Scenario:
    """The running cluster, its two Redis roles, the seeded users and the load's tally."""

    cluster: AppCluster
    roles: dict[str, RedisProcess]
    alice: dict[str, Any]
    bob: dict[str, Any]
    conversation: int
    tally: Tally = field(default_factory=Tally)
    sends: int = 0  # message sends attempted


@pytest.fixture
def scenario(cluster_database: dict[str, Any], redis_key_prefix: str, tmp_path: Path) -> Iterator[Scenario]:
    with (
        checked_redis(RedisProcess(data_dir=tmp_path / "cache", extra_args=EMPTY_ON_RESTART)) as cache,
        checked_redis(RedisProcess(data_dir=tmp_path / "state", extra_args=EMPTY_ON_RESTART)) as state,
    ):
        cluster = AppCluster(
            redis_url=state.url,
            key_prefix=redis_key_prefix,
            http_server="gunicorn",
            extra_env=suite_env(
                REDIS_CACHE_URL=cache.url,
                REDIS_STATE_URL=state.url,
                REDIS_CHANNELS_URL=state.url,
                REDIS_BREAKER_RESET_SECONDS=BREAKER_RESET_SECONDS,
                MESSAGING_SOCKET_CHECK_SECONDS=SOCKET_CHECK_SECONDS,
            ),
            **cluster_database,
        )
        with checked_cluster(cluster):
            seeded = cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
            yield Scenario(
                cluster=cluster,
                roles={"cache": cache, "state": state},
                alice=seeded["users"]["alice"],
                bob=seeded["users"]["bob"],
                conversation=seeded["direct"],
            )


def send_message(s: Scenario, instance: int, body: str) -> int | None:
    """Bob sends ``body`` through ``instance``; the message id when the app accepted it."""
    path = f"/messages/c/{s.conversation}/send/"
    status, text = request(s.cluster.ports[instance], "POST", path, s.bob["session"], {"body": body}, True)
    s.tally.count("POST", path, status, text)
    s.sends += 1
    if status == 201:
        message_id = int(json.loads(text)["id"])
        s.tally.accept("message", message_id)
        return message_id
    return None


def load(s: Scenario, stop: threading.Event) -> list[threading.Thread]:
    """Start the load threads: page reads, note and bookmark creation, message sends."""
    numbers = count()

    def reader() -> None:
        for n in numbers:
            if stop.is_set():
                return
            path = PAGES[n % len(PAGES)]
            status, text = request(s.cluster.ports[n % 2], "GET", path, s.alice["session"])
            s.tally.count("GET", path, status, text)
            time.sleep(PAUSE_BETWEEN_REQUESTS)

    def writer() -> None:
        for n in count():
            if stop.is_set():
                return
            kind = ("note", "bookmark")[n % 2]
            title = f"fault {kind} {n}"
            if kind == "note":
                path, form = "/content/notes/new/", {"title": title, "content": "written under a fault"}
            else:
                path, form = (
                    "/content/bookmarks/new/",
                    {"url": f"https://example.com/fault/{n}", "title": title},
                )
            status, text = request(s.cluster.ports[n % 2], "POST", path, s.alice["session"], form)
            s.tally.count("POST", path, status, text)
            if accepted(status):
                s.tally.accept(kind, title)
            time.sleep(PAUSE_BETWEEN_REQUESTS)

    def sender() -> None:
        for n in count():
            if stop.is_set():
                return
            send_message(s, n % 2, f"load {n}")
            time.sleep(PAUSE_BETWEEN_REQUESTS)

    threads = [threading.Thread(target=target, daemon=True) for target in (reader, writer, sender)]
    for thread in threads:
        thread.start()
    return threads


def stop_and_restart_empty(server: RedisProcess) -> None:
    server.stop()
    time.sleep(OUTAGE_SECONDS)
    server.start()  # nothing is persisted: it comes back empty


def debug_sleep(server: RedisProcess) -> None:
    """The server's event loop blocked: connections are accepted by the kernel, nothing is answered."""
    redis.Redis(port=server.port, socket_timeout=OUTAGE_SECONDS + 10).execute_command(
        "DEBUG", "SLEEP", OUTAGE_SECONDS
    )


def client_pause(server: RedisProcess) -> None:
    """Every client's commands held (``CLIENT PAUSE ... ALL``), then answered late."""
    redis.Redis(port=server.port).execute_command("CLIENT", "PAUSE", OUTAGE_SECONDS * 1000, "ALL")
    time.sleep(OUTAGE_SECONDS)


FAULTS: dict[str, Callable[[RedisProcess], None]] = {
    "stopped, restarted empty": stop_and_restart_empty,
    "DEBUG SLEEP": debug_sleep,
    "CLIENT PAUSE": client_pause,
}


def lookups(server: RedisProcess) -> int:
    """Key lookups the server has answered (the app's reads; INFO itself is not one)."""
    stats = redis.Redis(port=server.port).info("stats")
    return int(stats["keyspace_hits"]) + int(stats["keyspace_misses"])


def recovered(s: Scenario, role: str, receiver: Receiver) -> bool:
    """Both instances answer, and they use ``role`` again: the cache is read, or a message sent
    through the state Redis's channel layer reaches the live socket."""
    before = lookups(s.roles[role])
    for instance in (0, 1):
        status, text = request(s.cluster.ports[instance], "GET", "/content/notes/", s.alice["session"])
        s.tally.count("GET", "/content/notes/", status, text)
        if status != 200:
            return False
    if role == "cache":
        return lookups(s.roles[role]) > before
    probe = send_message(s, 1, "probe")
    if probe is None:
        return False
    deadline = time.monotonic() + 2
    while probe not in receiver.live and time.monotonic() < deadline:
        time.sleep(0.05)
    return probe in receiver.live


@dataclass
class Phase:
    """One fault's share of the load: the statuses, sends and accepted message ids while it lasted
    (from the fault to one second after recovery), and the recovery time."""

    name: str
    statuses: Counter[str]
    sends: int
    accepted: set[int]
    recovery: float

    def line(self, stored: set[int], delivered: set[int]) -> str:
        return (
            f"{self.name}: {sum(self.statuses.values())} requests {dict(self.statuses)}; messages sent "
            f"{self.sends}, accepted {len(self.accepted)}, stored {len(self.accepted & stored)}, "
            f"delivered {len(self.accepted & delivered)}; recovery {self.recovery:.1f} s"
        )


def run_fault(s: Scenario, role: str, fault: str, receiver: Receiver) -> Phase:
    """Apply ``fault`` to ``role`` under the running load and wait for the recovery."""
    name = f"{role} Redis {fault}"
    statuses_before, sends_before = Counter(s.tally.statuses), s.sends
    accepted_before = len(s.tally.accepted.get("message", []))
    FAULTS[fault](s.roles[role])
    back = time.monotonic()
    while not recovered(s, role, receiver):
        assert time.monotonic() - back < RECOVERY_BOUND_SECONDS, f"{name}: no recovery"
        time.sleep(0.2)
    recovery = time.monotonic() - back
    time.sleep(1)  # load on the recovered service before the next fault
    statuses = Counter(s.tally.statuses)
    statuses.subtract(statuses_before)
    accepted = set(s.tally.accepted.get("message", [])[accepted_before:])
    return Phase(name, +statuses, s.sends - sends_before, accepted, recovery)


def test_cache_and_state_redis_stopped_frozen_and_restarted_empty_under_load(scenario: Scenario) -> None:
    s = scenario
    receiver = Receiver(s.cluster.ws_url(0, ""), s.alice["session"], s.conversation)
    receiver.start()
    stop = threading.Event()
    threads = load(s, stop)
    phases: list[Phase] = []
    try:
        time.sleep(2)  # the load runs before the first fault
        for role in ("cache", "state"):
            for fault in FAULTS:
                phases.append(run_fault(s, role, fault, receiver))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_JOIN_SECONDS)
    sent = set(s.tally.accepted.get("message", []))
    missing_live = receiver.wait_for(sent, timeout=20)
    receiver.stop()
    stored = s.cluster.stored({"user_id": s.alice["id"], "conversation": s.conversation})
    stored_messages = set(stored["messages"])
    report = [phase.line(stored_messages, receiver.delivered) for phase in phases]
    report.append(
        f"total: {s.tally.requests} requests {dict(s.tally.statuses)}; messages sent {s.sends}, "
        f"accepted {len(sent)}, stored {len(sent & stored_messages)}, "
        f"delivered {len(sent & receiver.delivered)} ({len(sent & receiver.live)} live, "
        f"{len(sent & receiver.late)} of them late, {len(sent & receiver.replayed)} replayed; "
        f"{receiver.connects} socket connects {dict(receiver.failures)}, {receiver.resyncs} resyncs); "
        f"notes accepted {len(s.tally.accepted.get('note', []))}, "
        f"bookmarks accepted {len(s.tally.accepted.get('bookmark', []))}"
    )
    print("\n" + "\n".join(report))

    assert s.tally.server_errors == []
    assert set(s.tally.statuses) <= {"200", "201", "302"}, s.tally.statuses  # no timeout, no reset
    assert not set(s.tally.accepted.get("note", [])) - set(stored["notes"])
    assert not set(s.tally.accepted.get("bookmark", [])) - set(stored["bookmarks"])
    assert not sent - stored_messages
    assert not missing_live, f"accepted but never delivered: {sorted(missing_live)}"
