"""Cross-instance WebSocket delivery, measured by ``bench.fanout`` (the messaging benchmark).

``bench.fanout.run`` starts nothing itself: it is given a two-instance Daphne cluster
(``bench.appservers``) on the benchmark's state Redis, seeds its own users and group, connects the
sockets, posts messages and prints its figures. This module calls it, keeps its printout and reads
the figures back from it, so the numbers in the report are exactly the ones it printed (plus the
fan-out alone, from what it returns). A job worker runs next to the servers: it writes the
notifications (messaging.jobs).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import uuid
from typing import Any

from bench import fanout
from bench.appservers import AppCluster

INSTANCES = 2
_FLOAT = r"([0-9.]+)"
_PATTERNS = {
    "delivered": re.compile(r"deliveries\s+(\d+) of (\d+)"),
    "latency": re.compile(
        rf"delivery latency \(ms\)\s+p50 {_FLOAT}\s+p95 {_FLOAT}\s+p99 {_FLOAT}\s+max {_FLOAT}"
    ),
    "rate": re.compile(rf"deliveries per second\s+{_FLOAT}"),
    "post": re.compile(rf"POST time \(ms\)\s+p50 {_FLOAT}\s+p95 {_FLOAT}"),
}


def parse(printout: str) -> dict[str, Any]:
    """The figures of one ``bench.fanout`` printout (ValueError if one is missing)."""
    groups: dict[str, tuple[str, ...]] = {}
    for name, pattern in _PATTERNS.items():
        match = pattern.search(printout)
        if match is None:
            raise ValueError(f"bench.fanout printed no {name} line:\n{printout[-2000:]}")
        groups[name] = match.groups()
    delivered, expected = (int(v) for v in groups["delivered"])
    p50, p95, p99, worst = (float(v) for v in groups["latency"])
    post_p50, post_p95 = (float(v) for v in groups["post"])
    return {
        "delivered": delivered,
        "expected": expected,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "max": worst,
        "deliveries_per_second": float(groups["rate"][0]),
        "post_p50": post_p50,
        "post_p95": post_p95,
    }


def run(redis_url: str, clients: int, messages: int) -> dict[str, Any]:
    """Run the fan-out benchmark on ``redis_url`` (a fresh key prefix); its figures and printout."""
    printout = io.StringIO()
    prefix = f"tkfanout{uuid.uuid4().hex[:8]}"
    with (
        contextlib.redirect_stdout(printout),
        AppCluster(
            redis_url=redis_url,
            key_prefix=prefix,
            instances=INSTANCES,
            extra_env=fanout.UNLIMITED_SENDS,
            workers=1,
        ) as cluster,
    ):
        returned = asyncio.run(fanout.run(cluster, clients, messages))
    figures = parse(printout.getvalue())
    figures.update(fanout_p50=returned["fanout_p50"], fanout_p95=returned["fanout_p95"])
    return {
        "clients": clients,
        "messages": messages,
        "instances": INSTANCES,
        **figures,
        "printout": printout.getvalue(),
    }
