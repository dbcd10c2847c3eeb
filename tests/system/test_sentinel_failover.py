"""Fault suite scenario 3: Sentinel failover under load.

One primary, two replicas and three sentinels on loopback (``tools.redis_sentinel``); two Daphne
instances and a job worker find every Redis role (cache, sessions and rate limits on the state
alias, the channel layer, the job queue) only through ``REDIS_SENTINELS``: their ``REDIS_URL`` points
at a closed port. Under bounded load (page reads, note and bookmark writes, message sends with a
socket listening) the primary is SIGKILLed; later ``SENTINEL FAILOVER`` promotes a replica while the
app still holds connections to the healthy primary, which is then made a replica: the app meets
``READONLY`` on its writes and ``UNBLOCKED`` on the channel layer's blocked receive.

Asserted: no 5xx at all; after each failover, messages are delivered live again (a channel-layer
write on the new primary) within the failover time plus a few seconds; every accepted message is
stored and reaches the socket live or by replay; the jobs of bookmarks added after the recovery are
queued and run (job-queue writes); the logs of every process hold no traceback.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from websockets.sync.client import connect

from bench.appservers import AppCluster, form_request, http_json
from tests.jobs import processes
from tests.messaging.conftest import socket_headers
from tests.server_logs import REDIS_FAILURE_MARKERS, assert_clean_logs, checked_cluster
from tools.redis_sentinel import SentinelGroup

pytestmark = pytest.mark.slow

MASTER_NAME = "trackeep"
LOAD_THREADS = 3
PAUSE_BETWEEN_REQUESTS = 0.05
RECOVERY_MARGIN_SECONDS = 5.0  # "failover time + a few seconds"
SETTLE_SECONDS = 3.0


@dataclass
class Load:
    """Requests made by the load threads and what the socket received."""

    cluster: AppCluster
    alice: str
    bob: str
    conversation: int
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    sent: list[tuple[float, int]] = field(default_factory=list)  # (time sent, message id)
    live: dict[int, float] = field(default_factory=dict)  # message id -> time received
    bookmarks: list[tuple[float, str]] = field(default_factory=list)  # (time created, url)
    requests: int = 0

    def request(
        self, index: int, method: str, path: str, session: str, form: dict[str, str] | None = None
    ) -> int:
        status, text, _ = form_request(self.cluster.ports[index], method, path, session, form, timeout=60)
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            if status >= 500:
                self.failures.append(f"{method} {path}: {status} {text[:300]}")
        return status

    def send_message(self, index: int, n: int) -> None:
        started = time.monotonic()
        status, sent = http_json(
            self.cluster.url(index, f"/messages/c/{self.conversation}/send/"), self.bob, {"body": f"m{n}"}
        )
        with self.lock:
            self.requests += 1
            self.statuses[status] += 1
            if status == 201:
                self.sent.append((started, int(sent["id"])))
            elif status >= 500:
                self.failures.append(f"send: {status} {sent!r}"[:400])

    def worker(self, number: int) -> None:
        n = 0
        while not self.stop.is_set():
            index = (number + n) % len(self.cluster.ports)
            kind = n % 4
            if kind == 0:
                self.request(index, "GET", "/content/notes/", self.alice)
            elif kind == 1:
                form = {"title": f"note {number}-{n}", "content": "x"}
                self.request(index, "POST", "/content/notes/new/", self.alice, form)
            elif kind == 2:
                self.send_message(index, number * 100_000 + n)
            else:
                url = f"http://127.0.0.1:9/{number}-{n}"
                started = time.monotonic()
                if self.request(index, "POST", "/content/bookmarks/new/", self.alice, {"url": url}) == 302:
                    with self.lock:
                        self.bookmarks.append((started, url))
            n += 1
            time.sleep(PAUSE_BETWEEN_REQUESTS)

    def listen(self) -> None:
        """Alice's socket on instance 0: record every message delivered live."""
        path = f"/ws/messages/{self.conversation}/"
        with connect(
            self.cluster.ws_url(0, path), additional_headers=socket_headers(self.cluster, self.alice)
        ) as socket:
            while not self.stop.is_set():
                try:
                    event = json.loads(socket.recv(timeout=0.5))
                except TimeoutError:
                    continue
                if event["type"] == "message.created":
                    with self.lock:
                        self.live.setdefault(int(event["data"]["id"]), time.monotonic())

    def first_live_send_after(self, moment: float) -> float | None:
        """When the first message sent after ``moment`` that arrived live was sent."""
        with self.lock:
            times = [at for at, mid in self.sent if at > moment and mid in self.live]
        return min(times, default=None)


@pytest.fixture
def group(tmp_path: Path) -> Iterator[SentinelGroup]:
    sentinels = SentinelGroup(tmp_path / "redis", master_name=MASTER_NAME)
    with sentinels:
        yield sentinels
    assert_clean_logs(sentinels.final_logs, REDIS_FAILURE_MARKERS)


@pytest.fixture
def cluster(
    group: SentinelGroup, migrated_database: Path, redis_key_prefix: str, tmp_path: Path
) -> Iterator[tuple[AppCluster, processes.JobProcess]]:
    app = AppCluster(
        # Nothing listens on port 9: a role that bypassed Sentinel would fail from the start.
        redis_url="redis://127.0.0.1:9/0",
        key_prefix=redis_key_prefix,
        template=migrated_database,
        http_server="gunicorn",  # as compose runs it: gunicorn for HTTP, Daphne for sockets
        extra_env={
            "REDIS_SENTINELS": group.sentinels_env,
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            "RQ_KEY_PREFIX": f"{redis_key_prefix}:rq",  # not this process's own
            # Limits stay on (their counters are among the writes), above what the load asks for.
            "RATE_LIMIT_POLICIES_JSON": json.dumps(
                {name: {"limit": 100_000} for name in ("general", "expensive", "messages")}
            ),
        },
    )
    with checked_cluster(app):
        worker = processes.start("worker", ["jobs_worker"], app.env, tmp_path)
        try:
            yield app, worker
        finally:
            worker.stop()
            assert_clean_logs({"worker": worker.checked_log()})


def wait_until(condition: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def prefixed_keys(group: SentinelGroup, prefix: str) -> list[str]:
    client = group.client(group.master_port())
    return [key.decode() for key in client.scan_iter(match=f"{prefix}*", count=1000)]


def jobs_done(database: Path, urls: list[str]) -> bool:
    """Have the worker's reader-copy jobs for these bookmarks run (the copy is no longer pending)?"""
    with sqlite3.connect(database) as db:
        marks = ",".join("?" * len(urls))
        pending = db.execute(
            "SELECT count(*) FROM reader_readercopy c JOIN content_bookmark b ON b.id = c.bookmark_id "
            f"WHERE b.url IN ({marks}) AND c.status = 'pending'",
            urls,
        ).fetchone()[0]
    return int(pending) == 0


def test_sentinel_failover_under_load(
    group: SentinelGroup, cluster: tuple[AppCluster, processes.JobProcess], redis_key_prefix: str
) -> None:
    app, _worker = cluster
    seeded = app.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    load = Load(app, seeded["users"]["alice"]["session"], seeded["users"]["bob"]["session"], seeded["direct"])
    threads = [threading.Thread(target=load.listen)]
    threads += [threading.Thread(target=load.worker, args=(n,)) for n in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    figures: dict[str, float] = {}
    try:
        # Warm: every role is in use on the primary Sentinel names.
        start = time.monotonic()
        assert wait_until(lambda: load.first_live_send_after(start) is not None, 20), "no live delivery"
        time.sleep(SETTLE_SECONDS)
        keys = prefixed_keys(group, redis_key_prefix)
        for role, marker in {
            "sessions": ":s:",
            "rate limits": ":rl:",
            "channel layer": ":ch",
            "job queue": ":rq:",
        }.items():
            assert any(marker in key for key in keys), f"no {role} key on the primary: {sorted(keys)[:40]}"

        # 1. The primary is killed.
        old = group.master_port()
        killed_at = time.monotonic()
        group.kill_primary()
        new = group.wait_for_new_master(old)
        figures["kill: failover seconds"] = time.monotonic() - killed_at
        assert wait_until(
            lambda: load.first_live_send_after(killed_at + figures["kill: failover seconds"]) is not None,
            figures["kill: failover seconds"] + RECOVERY_MARGIN_SECONDS,
        ), "messages are not delivered live after the failover"
        resumed = load.first_live_send_after(killed_at)
        assert resumed is not None
        figures["kill: writes resumed after seconds"] = resumed - killed_at
        time.sleep(SETTLE_SECONDS)

        # 2. Demotion: SENTINEL FAILOVER promotes a replica while the app holds connections to the
        # healthy primary. Sentinel reconfigures the old primary only seconds later (until then it
        # still takes writes from clients connected to it: Redis's split-brain window, which
        # core.redis.sentinel closes on the app's side); here it is made a replica at once, so the
        # app's connections to it meet READONLY and must find the new primary.
        demoted_at = time.monotonic()
        group.failover()
        newest = group.wait_for_new_master(new)
        group.client(new).replicaof("127.0.0.1", newest)
        promoted_at = time.monotonic()
        figures["demote: failover seconds"] = promoted_at - demoted_at
        assert wait_until(
            lambda: load.first_live_send_after(promoted_at) is not None, RECOVERY_MARGIN_SECONDS
        ), "messages are not delivered live after the demotion"
        resumed = load.first_live_send_after(promoted_at)
        assert resumed is not None
        figures["demote: writes resumed after seconds"] = resumed - demoted_at
        time.sleep(SETTLE_SECONDS)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # Every accepted message is stored, and reached the socket live or reaches it by replay.
    status, history = http_json(app.url(1, f"/messages/c/{load.conversation}/messages/?after=0"), load.alice)
    assert status == 200
    stored = {m["id"] for m in history["messages"]}
    accepted = {mid for _, mid in load.sent}
    assert accepted <= stored
    missed = sorted(accepted - set(load.live))
    replayed: set[int] = set()
    if missed:
        path = f"/ws/messages/{load.conversation}/?after={missed[0] - 1}"
        with connect(app.ws_url(0, path), additional_headers=socket_headers(app, load.alice)) as socket:
            while True:
                event = json.loads(socket.recv(timeout=5))
                if event["type"] == "sync.complete":
                    break
                replayed.add(int(event["data"]["id"]))
    assert set(missed) <= replayed

    # Jobs of bookmarks made once writes had resumed after the demotion ran on the worker.
    recent = [url for at, url in load.bookmarks if at > resumed]
    assert recent, "no bookmark was created after the demotion"
    assert wait_until(lambda: jobs_done(app.database, recent), 30), "jobs queued after the failovers not run"

    print(
        f"sentinel failover: {load.requests} requests, statuses {dict(sorted(load.statuses.items()))}, "
        f"messages sent {len(accepted)} stored {len(accepted & stored)} "
        f"live {len(accepted & set(load.live))} "
        f"replayed {len(replayed)}, bookmarks {len(load.bookmarks)} (jobs checked {len(recent)}), "
        + ", ".join(f"{name} {value:.1f}" for name, value in figures.items())
    )
    assert not load.failures, "\n".join(load.failures[:10])
    assert not any(status >= 500 for status in load.statuses), load.statuses
