"""Rate limiter costs: the middleware's added latency per request, and Redis memory per identity.

Run ``python -m bench.ratelimit`` (settings from the environment; Redis at ``REDIS_URL``; a migrated
database, as ``make run`` leaves it: the middleware reads the admin's policy overrides once). Latency is
the middleware's own time around a view that does nothing, over many client addresses so budgets are
realistic and nothing is denied, for each algorithm, two policies at once, the in-process limiter
and an exempt path; those keys live under a private prefix and are deleted at the end. Memory is
``MEMORY USAGE`` summed over one identity's keys with its budget fully spent under each shipped
policy (the worst case: a sliding log holds one member per request), measured on a redis-server of
its own under the shipped key prefix, since key names are part of the size.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import time
import uuid
from collections.abc import Callable, Collection
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from core.ratelimit import identity, policies  # noqa: E402
from core.ratelimit.backends import redis_limiter  # noqa: E402
from core.ratelimit.base import Check  # noqa: E402
from core.ratelimit.middleware import RateLimitMiddleware  # noqa: E402
from core.redis import keys  # noqa: E402
from core.redis.breaker import reset_all_breakers  # noqa: E402
from core.redis.client import get_client  # noqa: E402
from tools.redis_process import RedisProcess  # noqa: E402

CLIENTS = 200  # distinct addresses, so each budget holds a realistic number of entries
SHIPPED_PREFIX = "tk"  # REDIS_KEY_PREFIX's default


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _use(rows: list[dict[str, Any]], redis_enabled: bool = True) -> None:
    settings.RATE_LIMIT_POLICIES = rows
    settings.RATE_LIMIT_POLICY_OVERRIDES = {}
    settings.REDIS_RATELIMIT_ENABLED = redis_enabled
    policies.reload()


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94], cuts[98]


def added_latency(path: str, requests: int) -> tuple[float, float, float]:
    """Microseconds the middleware adds per request (p50, p95, p99)."""
    middleware = RateLimitMiddleware(_ok)
    factory = RequestFactory()
    addresses = [f"10.0.{n // 250}.{n % 250}" for n in range(CLIENTS)]
    batch = [factory.get(path, REMOTE_ADDR=addresses[n % CLIENTS]) for n in range(requests)]
    for request in batch[:50]:  # warm connections and the script cache
        middleware(request)
    samples = []
    for request in batch:
        start = time.perf_counter_ns()
        response = middleware(request)
        samples.append((time.perf_counter_ns() - start) / 1000)
        assert response.status_code == 200, "the benchmark must not be denied"
    baseline = []
    for request in batch[:1000]:
        start = time.perf_counter_ns()
        _ok(request)
        baseline.append((time.perf_counter_ns() - start) / 1000)
    base = statistics.median(baseline)
    return tuple(value - base for value in _percentiles(samples))  # type: ignore[return-value]


def _state_role_at(url: str) -> dict[str, Any]:
    caches = copy.deepcopy(settings.CACHES)
    caches["state"]["LOCATION"] = url
    return caches


def memory_per_identity(
    identities: int, names: Collection[str] | None = None
) -> list[tuple[str, str, float, float]]:
    """(policy, algorithm, keys, bytes) per identity with every budget spent, on a private server;
    every policy, or those in ``names``."""
    rows = []
    with (
        RedisProcess() as server,
        override_settings(CACHES=_state_role_at(server.url), REDIS_KEY_PREFIX=SHIPPED_PREFIX),
    ):
        reset_all_breakers()
        client = get_client("state")
        for policy in policies.configured_policies():
            if names is not None and policy.name not in names:
                continue
            checks = [Check(policy, identity.ip(f"10.9.{n // 250}.{n % 250}")) for n in range(identities)]
            for _ in range(policy.limit):
                redis_limiter.hit(checks)
            found = list(client.scan_iter(match=keys.rate_limit_pattern(policy.name), count=1000))
            size = sum(client.memory_usage(key, samples=0) or 0 for key in found)
            rows.append((policy.name, policy.algorithm, len(found) / identities, size / identities))
    reset_all_breakers()
    return rows


def _cleanup(prefix: str) -> int:
    client = get_client("state")
    found = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if found:
        client.unlink(*found)
    return len(found)


def _row(policy: str, **fields: Any) -> dict[str, Any]:
    return {"name": policy, "limit": 10**6, "window": 60, "algorithm": "sliding_window", **fields}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per scenario (default 5000)")
    parser.add_argument(
        "--identities", type=int, default=50, help="identities per memory sample (default 50)"
    )
    args = parser.parse_args()
    shipped = list(settings.RATE_LIMIT_POLICIES)
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    settings.REDIS_KEY_PREFIX = prefix
    server = get_client("state").info("server")
    print(f"Redis {server['redis_version']} at {settings.REDIS_ROLES['state'].url}")
    print(f"{args.requests} requests per scenario over {CLIENTS} client addresses")
    print("\nMicroseconds the middleware adds per request")
    counter = {"algorithm": "sliding_window_counter"}
    scenarios: list[tuple[str, Callable[[], None], str]] = [
        (
            "sliding-window counter (general)",
            lambda: _use([_row("general", fallback=True, **counter)]),
            "/p/",
        ),
        ("sliding-window log (uploads)", lambda: _use([_row("uploads", paths=["/"])]), "/u/"),
        (
            "fixed window (search)",
            lambda: _use([_row("search", algorithm="fixed_window", paths=["/"])]),
            "/s/",
        ),
        ("token bucket (expensive)", lambda: _use([_row("x", algorithm="token_bucket", paths=["/"])]), "/x/"),
        (
            "two policies, one round trip",
            lambda: _use(
                [_row("a", paths=["/"], **counter), _row("b", algorithm="fixed_window", paths=["/"])]
            ),
            "/ab/",
        ),
        (
            "in-process limiter (no Redis)",
            lambda: _use([_row("general", fallback=True, **counter)], False),
            "/p/",
        ),
        ("exempt path (/healthz)", lambda: _use([_row("general", fallback=True, **counter)]), "/healthz"),
    ]
    print(f"{'scenario':<32} {'p50':>8} {'p95':>8} {'p99':>8}")
    try:
        for label, configure, path in scenarios:
            configure()
            p50, p95, p99 = added_latency(path, args.requests)
            print(f"{label:<32} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")
        _use(shipped)
        print(f"\nRedis memory per active identity, budget fully spent ({args.identities} identities each)")
        print(f"{'policy':<16} {'algorithm':<24} {'keys':>5} {'bytes':>6}")
        for name, algorithm, key_count, size in memory_per_identity(args.identities):
            print(f"{name:<16} {algorithm:<24} {key_count:>5.0f} {size:>6.0f}")
    finally:
        _cleanup(prefix)


if __name__ == "__main__":
    main()
