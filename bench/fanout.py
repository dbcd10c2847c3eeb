"""Messaging fan-out across app instances: delivery latency, deliveries per second, layer commands.

``python -m bench.fanout --clients 200 --messages 50`` starts a private redis-server (or uses
``--redis-url``), two Daphne instances sharing it and a SQLite file, creates one user per client plus
a sender, puts them all in one group, connects every client's WebSocket (alternating instances), then
posts one untimed warm-up message (it creates every member's notification, which a job worker
writes: the next messages only update them, as in a conversation in use), then posts the messages
over HTTP (alternating instances) and times every delivery:

- latency: from just before the POST to the moment a client has parsed the ``message.created`` event
  (so it includes the request, the commit and the fan-out through the channel layer);
- fan-out alone: from the event's own ``timestamp`` (taken when the server builds the event, just
  before the commit) to the same moment, so the rest of the request is left out;
- deliveries/s: deliveries divided by the time from the first POST to the last delivery.

``python -m bench.fanout --compare --rounds 3`` measures the channel layers against each other
(``CHANNEL_LAYER=lists`` and ``pubsub``, docs/messaging.md "Which channel layer") in interleaved
rounds (lists, pubsub, lists, pubsub, ...), each on a fresh cluster, with the layer on a redis-server
of its own so that the Redis commands per message posted (``INFO commandstats`` from the first POST
to the last delivery, sockets still open) are the layer's alone. It prints every round, then the
median and the spread (lowest to highest) per layer and the load average. ``compare()`` returns the
same figures (for ``bench.report``).

Everything runs on 127.0.0.1, every wait is bounded, and all processes are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake

from bench.appservers import AppCluster, http_json, migrate
from tools.redis_process import RedisProcess

CONNECT_CONCURRENCY = 20
CONNECT_ATTEMPTS = 3
WARM_UP = "warm-up"
DELIVERY_TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 120.0
LAYERS = ("lists", "pubsub")
# The sender posts faster than the messaging budget allows (30 a minute): the benchmark measures
# delivery, not the limiter, so every cluster it starts lifts that one limit.
UNLIMITED_SENDS = {"RATE_LIMIT_POLICIES_JSON": json.dumps({"messages": {"limit": 1_000_000}})}
# The figures compared between layers, in the order they are printed.
COMPARED = (
    "p50",
    "p95",
    "fanout_p50",
    "fanout_p95",
    "post_p50",
    "post_p95",
    "deliveries_per_second",
    "layer_commands_per_message",
    "client_cpu_percent",
)


@dataclass
class Results:
    clients: int
    all_open: asyncio.Event = field(default_factory=asyncio.Event)
    opened: int = 0
    sent_at: dict[int, float] = field(default_factory=dict)
    post_seconds: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    fanout: list[float] = field(default_factory=list)
    last_delivery: float = 0.0
    # Set once every socket has everything; sockets stay open until ``release`` (so the layer
    # commands counted up to then are those of the deliveries, not of the sockets closing).
    all_delivered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    # The warm-up message's notification (one per member, written by the job worker) reached all.
    notified: int = 0
    all_notified: asyncio.Event = field(default_factory=asyncio.Event)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def client(
    url: str, session: str, origin: str, messages: int, results: Results, gate: asyncio.Semaphore
) -> int:
    """One member's socket: count the bench messages it receives, timing each one."""
    received = 0
    headers = {"Cookie": f"sessionid={session}", "Origin": origin}
    async with gate:
        socket = await _connect(url, headers)
    # The consumer joins the conversation's group before accepting: an open socket hears everything.
    results.opened += 1
    if results.opened == results.clients:
        results.all_open.set()
    try:
        deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
        while received < messages and time.monotonic() < deadline:
            try:
                raw = await asyncio.wait_for(socket.recv(), timeout=deadline - time.monotonic())
            except TimeoutError:
                break
            now, wall = time.perf_counter(), time.time()
            event = json.loads(raw)
            if event["type"] == "notification.created" and event["data"]["excerpt"] == WARM_UP:
                results.notified += 1
                if results.notified == results.clients:
                    results.all_notified.set()
            if event["type"] != "message.created" or not event["data"]["body"].startswith("bench "):
                continue
            index = int(event["data"]["body"].split()[1])
            results.latencies.append(now - results.sent_at[index])
            results.fanout.append(wall - dt.datetime.fromisoformat(event["timestamp"]).timestamp())
            results.last_delivery = max(results.last_delivery, now)
            received += 1
            if len(results.latencies) == results.clients * messages:
                results.all_delivered.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(results.release.wait(), DELIVERY_TIMEOUT_SECONDS)
    finally:
        await socket.close()
    return received


async def _connect(url: str, headers: dict[str, str]) -> Any:
    """A WebSocket to ``url``; a handshake that fails (a loaded machine) is tried again."""
    for attempt in range(1, CONNECT_ATTEMPTS + 1):
        try:
            return await connect(url, additional_headers=headers, open_timeout=30, max_queue=None)
        except (OSError, TimeoutError, InvalidHandshake) as error:
            if attempt == CONNECT_ATTEMPTS:
                raise
            print(f"handshake failed ({error!r}), trying again", flush=True)
            await asyncio.sleep(attempt)
    raise AssertionError("unreachable")


def command_calls(server: redis.Redis) -> dict[str, int]:
    """Calls per command so far (``INFO commandstats``) on ``server``, without the INFO calls."""
    stats = server.info("commandstats")
    calls = {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}
    calls.pop("info", None)
    return calls


async def run(
    cluster: AppCluster, clients: int, messages: int, layer_redis: redis.Redis | None = None
) -> dict[str, Any]:
    """Seed, connect, post and time; print the figures and return them.

    With ``layer_redis`` (the server the cluster's channel layer alone uses), also the Redis commands
    it ran per message posted, from just before the first POST to the last delivery.
    """
    names = [f"member{i}" for i in range(clients)]
    started = time.perf_counter()
    seeded = cluster.seed(
        {"usernames": ["sender", *names], "group": {"name": "bench", "owner": "sender", "members": "all"}}
    )
    print(f"seeded {clients + 1} users and one group in {time.perf_counter() - started:.1f}s")
    group = seeded["group"]
    results = Results(clients=clients)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(
            client(
                cluster.ws_url(i % cluster.instances, f"/ws/messages/{group}/"),
                seeded["users"][name]["session"],
                cluster.url(i % cluster.instances, ""),
                messages,
                results,
                gate,
            )
        )
        for i, name in enumerate(names)
    ]
    opened = asyncio.create_task(results.all_open.wait())
    await asyncio.wait([opened, *tasks], timeout=CONNECT_TIMEOUT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    if not results.all_open.is_set():
        failed = next((t for t in tasks if t.done()), None)
        raise RuntimeError(f"only {results.opened} of {clients} sockets opened") from (
            failed.exception() if failed else None
        )
    took = time.perf_counter() - started
    print(f"connected {clients} sockets across {cluster.instances} instances in {took:.1f}s")

    sender = seeded["users"]["sender"]["session"]
    # The first message of the group creates every member's notification; the next ones update it.
    # That first one is not timed, so the figures are those of a conversation in use.
    status, body = await asyncio.to_thread(
        http_json, cluster.url(0, f"/messages/c/{group}/send/"), sender, {"body": WARM_UP}
    )
    if status != 201:
        raise RuntimeError(f"send failed with {status}: {body!r}")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(results.all_notified.wait(), DELIVERY_TIMEOUT_SECONDS)
    print(f"warm-up message's notification reached {results.notified} of {clients} members")
    calls_before = command_calls(layer_redis) if layer_redis is not None else {}
    cpu_before = time.process_time()
    first_post = time.perf_counter()
    for index in range(messages):
        url = cluster.url(index % cluster.instances, f"/messages/c/{group}/send/")
        results.sent_at[index] = time.perf_counter()
        status, body = await asyncio.to_thread(http_json, url, sender, {"body": f"bench {index}"})
        results.post_seconds.append(time.perf_counter() - results.sent_at[index])
        if status != 201:
            raise RuntimeError(f"send failed with {status}: {body!r}")
    with contextlib.suppress(TimeoutError):  # a delivery that never comes shows as missing below
        await asyncio.wait_for(results.all_delivered.wait(), DELIVERY_TIMEOUT_SECONDS)
    calls_after = command_calls(layer_redis) if layer_redis is not None else {}
    client_cpu = time.process_time() - cpu_before
    results.release.set()
    counts = await asyncio.gather(*tasks)

    delivered = sum(counts)
    expected = clients * messages
    elapsed = results.last_delivery - first_post
    ms = [1000 * s for s in results.latencies]
    fanout_ms = [1000 * s for s in results.fanout]
    posts = [1000 * s for s in results.post_seconds]
    figures: dict[str, Any] = {
        "clients": clients,
        "messages": messages,
        "instances": cluster.instances,
        "delivered": delivered,
        "expected": expected,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "max": max(ms),
        "fanout_p50": percentile(fanout_ms, 50),
        "fanout_p95": percentile(fanout_ms, 95),
        "post_p50": percentile(posts, 50),
        "post_p95": percentile(posts, 95),
        "deliveries_per_second": delivered / elapsed,
        # Share of one core this benchmark's own process used while timing: near 100 % means the
        # client, not the servers, set the pace.
        "client_cpu_percent": 100 * client_cpu / elapsed,
    }
    print()
    print(f"messages posted          {messages} (HTTP, alternating instances, one after another)")
    print(f"POST time (ms)           p50 {figures['post_p50']:.1f}  p95 {figures['post_p95']:.1f}")
    print(f"deliveries               {delivered} of {expected} ({expected - delivered} missing)")
    rate = f"{delivered / elapsed:.0f}  ({messages / elapsed:.1f} messages/s fanned out)"
    print(f"deliveries per second    {rate}")
    print(
        f"delivery latency (ms)    p50 {figures['p50']:.1f}  p95 {figures['p95']:.1f}  "
        f"p99 {figures['p99']:.1f}  max {figures['max']:.1f}"
    )
    print(f"fan-out alone (ms)       p50 {figures['fanout_p50']:.1f}  p95 {figures['fanout_p95']:.1f}")
    print(f"benchmark client CPU     {figures['client_cpu_percent']:.0f} % of one core")
    if layer_redis is not None:
        spent = {name: calls_after[name] - calls_before.get(name, 0) for name in calls_after}
        spent = {name: count for name, count in sorted(spent.items()) if count}
        figures["layer_commands_per_message"] = sum(spent.values()) / messages
        figures["layer_commands"] = spent
        detail = ", ".join(f"{name} {count / messages:.1f}" for name, count in spent.items())
        print(f"layer commands/message   {figures['layer_commands_per_message']:.1f}  ({detail})")
    return figures


def _one_round(
    layer: str, template: Path, state_url: str, layer_server: RedisProcess, clients: int, messages: int
) -> dict[str, Any]:
    """One fresh cluster on ``layer``; its figures."""
    cluster = AppCluster(
        redis_url=state_url,
        key_prefix=f"tkbench{uuid.uuid4().hex[:8]}",
        template=template,
        extra_env={**UNLIMITED_SENDS, "CHANNEL_LAYER": layer, "REDIS_CHANNELS_URL": layer_server.url},
        workers=1,  # writes the notifications (messaging.jobs)
    )
    with cluster, redis.Redis(port=layer_server.port) as layer_redis:
        return asyncio.run(run(cluster, clients, messages, layer_redis))


def spread(values: list[float]) -> dict[str, float]:
    """Median, lowest and highest of one figure over the rounds."""
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}


def compare(
    clients: int = 200, messages: int = 50, rounds: int = 3, layers: tuple[str, ...] = LAYERS
) -> dict[str, Any]:
    """The layers measured in interleaved rounds: every round's figures, and per layer and figure
    the median and the spread. Starts and stops everything it uses."""
    workdir = Path(tempfile.mkdtemp(prefix="tk-fanout-"))
    state, layer_server = RedisProcess().start(), RedisProcess().start()
    load_before = os.getloadavg()
    by_layer: dict[str, list[dict[str, Any]]] = {layer: [] for layer in layers}
    try:
        template = migrate(workdir / "template.sqlite3", state.url, "tkbenchmigrate")
        for number in range(1, rounds + 1):
            for layer in layers:
                print(f"\n=== round {number}, CHANNEL_LAYER={layer} (load {_load()}) ===", flush=True)
                figures = _one_round(layer, template, state.url, layer_server, clients, messages)
                by_layer[layer].append({k: v for k, v in figures.items() if k != "layer_commands"})
    finally:
        layer_server.stop()
        state.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    summary = {
        layer: {name: spread([r[name] for r in results]) for name in COMPARED}
        for layer, results in by_layer.items()
    }
    outcome = {
        "clients": clients,
        "messages": messages,
        "rounds": rounds,
        "instances": 2,
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "rounds_by_layer": by_layer,
        "summary": summary,
    }
    print_comparison(outcome)
    return outcome


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def print_comparison(outcome: dict[str, Any]) -> None:
    print()
    print(
        f"{outcome['clients']} sockets over {outcome['instances']} Daphne instances, "
        f"{outcome['messages']} messages, {outcome['rounds']} interleaved rounds; "
        f"load average before {' '.join(f'{v:.2f}' for v in outcome['load_before'])}, "
        f"after {' '.join(f'{v:.2f}' for v in outcome['load_after'])}"
    )
    print(f"{'figure (ms unless said)':34}" + "".join(f"{layer:>30}" for layer in outcome["summary"]))
    for name in COMPARED:
        cells = []
        for figures in outcome["summary"].values():
            value = figures[name]
            cells.append(f"{value['median']:.1f} ({value['low']:.1f}-{value['high']:.1f})")
        print(f"{name:34}" + "".join(f"{cell:>30}" for cell in cells))
    print("(median over the rounds, lowest-highest in brackets)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--redis-url", help="use this Redis (a fresh key prefix) instead of a private one")
    parser.add_argument("--compare", action="store_true", help="measure the channel layers A/B/A/B")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per layer with --compare")
    parser.add_argument(
        "--layers", default=",".join(LAYERS), help="CHANNEL_LAYER values to compare (comma separated)"
    )
    args = parser.parse_args()
    # A SIGTERM unwinds like Ctrl-C, so the servers started here are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.compare:
        compare(args.clients, args.messages, args.rounds, tuple(args.layers.split(",")))
        return
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    private = None if args.redis_url else RedisProcess().start()
    redis_url = args.redis_url or private.url  # type: ignore[union-attr]
    try:
        cluster = AppCluster(
            redis_url=redis_url,
            key_prefix=prefix,
            instances=args.instances,
            extra_env=UNLIMITED_SENDS,
            workers=1,
        )
        with cluster:
            asyncio.run(run(cluster, args.clients, args.messages))
    finally:
        if private is not None:
            private.stop()
        else:
            client = redis.Redis.from_url(redis_url)
            stale = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if stale:
                client.unlink(*stale)


if __name__ == "__main__":
    main()
