"""Messaging fan-out across app instances: deliveries per second and delivery latency.

``python -m bench.fanout --clients 200 --messages 50`` starts a private redis-server (or uses
``--redis-url``), two Daphne instances sharing it and a SQLite file, creates one user per client plus
a sender, puts them all in one group, connects every client's WebSocket (alternating instances), then
posts the messages over HTTP (alternating instances) and times every delivery:

- latency: from just before the POST to the moment a client has parsed the ``message.created`` event
  (so it includes the request, the commit and the fan-out through the channel layer);
- deliveries/s: deliveries divided by the time from the first POST to the last delivery.

Everything runs on 127.0.0.1, every wait is bounded, and all processes are stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field

from websockets.asyncio.client import connect

from bench.appservers import AppCluster, http_json
from tools.redis_process import RedisProcess

CONNECT_CONCURRENCY = 20
DELIVERY_TIMEOUT_SECONDS = 60.0
CONNECT_TIMEOUT_SECONDS = 120.0


@dataclass
class Results:
    clients: int
    all_open: asyncio.Event = field(default_factory=asyncio.Event)
    opened: int = 0
    sent_at: dict[int, float] = field(default_factory=dict)
    post_seconds: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    last_delivery: float = 0.0


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
        socket = await connect(url, additional_headers=headers, open_timeout=30, max_queue=None)
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
            now = time.perf_counter()
            event = json.loads(raw)
            if event["type"] != "message.created" or not event["data"]["body"].startswith("bench "):
                continue
            index = int(event["data"]["body"].split()[1])
            results.latencies.append(now - results.sent_at[index])
            results.last_delivery = max(results.last_delivery, now)
            received += 1
    finally:
        await socket.close()
    return received


async def run(cluster: AppCluster, clients: int, messages: int) -> None:
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
    first_post = time.perf_counter()
    for index in range(messages):
        url = cluster.url(index % cluster.instances, f"/messages/c/{group}/send/")
        results.sent_at[index] = time.perf_counter()
        status, body = await asyncio.to_thread(http_json, url, sender, {"body": f"bench {index}"})
        results.post_seconds.append(time.perf_counter() - results.sent_at[index])
        if status != 201:
            raise RuntimeError(f"send failed with {status}: {body!r}")
    counts = await asyncio.gather(*tasks)

    delivered = sum(counts)
    expected = clients * messages
    elapsed = results.last_delivery - first_post
    ms = [1000 * s for s in results.latencies]
    posts = [1000 * s for s in results.post_seconds]
    print()
    print(f"messages posted          {messages} (HTTP, alternating instances, one after another)")
    print(f"POST time (ms)           p50 {percentile(posts, 50):.1f}  p95 {percentile(posts, 95):.1f}")
    print(f"deliveries               {delivered} of {expected} ({expected - delivered} missing)")
    rate = f"{delivered / elapsed:.0f}  ({messages / elapsed:.1f} messages/s fanned out)"
    print(f"deliveries per second    {rate}")
    print(
        f"delivery latency (ms)    p50 {percentile(ms, 50):.1f}  p95 {percentile(ms, 95):.1f}  "
        f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--redis-url", help="use this Redis (a fresh key prefix) instead of a private one")
    args = parser.parse_args()
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    private = None if args.redis_url else RedisProcess().start()
    redis_url = args.redis_url or private.url  # type: ignore[union-attr]
    try:
        with AppCluster(redis_url=redis_url, key_prefix=prefix, instances=args.instances) as cluster:
            asyncio.run(run(cluster, args.clients, args.messages))
    finally:
        if private is not None:
            private.stop()
        else:
            import redis

            client = redis.Redis.from_url(redis_url)
            stale = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if stale:
                client.unlink(*stale)


if __name__ == "__main__":
    main()
