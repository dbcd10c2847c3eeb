"""Analytics dashboard and popular learning paths: p50/p95 of cold and warm reads, Redis on and off.

Run ``python -m bench.analytics`` (a temporary SQLite file) or ``python -m bench.analytics --postgres
postgres://postgres@127.0.0.1:5432/postgres`` (a database created next to the one named, dropped at
the end). The dataset is ``manage.py seed_demo``'s: ``--users`` demo users (default 10) with about
``--items`` items each (default 5,000) plus their learning paths, enrolments, habits, check-ins and
time entries; users live in four time zones and their analytics are rebuilt once (timed).

Each render is a full ``GET /analytics/?range=N`` through the middleware and template (Django's test
client, in process: no HTTP server, no network), cycling through the users and the 7/30/90-day
ranges. A cold render follows a bump of the user's ``dashboard`` family (the compute plus the cache
write); a warm one repeats a render made just before it. Modes:

- **Redis on**: the cache role on Redis (one EVALSHA per warm render);
- **Redis off, local**: ``REDIS_CACHE_ENABLED=false`` with the per-process cache;
- **no cache**: ``REDIS_CACHE_FALLBACK=none`` (every render computes: the seed's "before Redis").

Sessions, the rate limiter (its general limit raised out of the way), streaks, today's habit counts
and the running timer stay on the state Redis in every mode. Popular paths are timed at the
selector (``learning.selectors.popular_paths``), cold after a bump of the global family and warm.
Database queries and Redis round trips per render are counted in a separate pass.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.inprocess import cleanup_redis, counting, p, setup_database

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
RANGES = (7, 30, 90)


def _seed(users: int, items: int) -> tuple[list[Any], float, float]:
    """Demo users with every app's data; returns (users, seconds seeding, ms per user rebuild)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from analytics.rebuild import rebuild_users
    from core import demo

    started = time.perf_counter()
    anchor = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    demo.seed(users=users, items=items, seed=1, anchor=anchor)
    seeded = time.perf_counter() - started
    people = list(demo.demo_users())
    for n, person in enumerate(people):
        person.timezone = ZONES[n % len(ZONES)]
        get_user_model().objects.filter(pk=person.pk).update(timezone=person.timezone)
    started = time.perf_counter()
    rebuild_users([p.pk for p in people])
    per_user = (time.perf_counter() - started) * 1000 / len(people)
    return people, seeded, per_user


def _clients(people: list[Any]) -> dict[int, Any]:
    from django.test import Client

    clients = {}
    for person in people:
        client = Client(HTTP_HOST="localhost")  # an allowed host outside the test runner
        client.force_login(person)
        clients[person.pk] = client
    return clients


def _render(client: Any, days: int) -> float:
    started = time.perf_counter()
    response = client.get(f"/analytics/?range={days}")
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def _measure_dashboard(people: list[Any], renders: int) -> dict[str, Any]:
    from analytics.caches import DASHBOARD

    clients = _clients(people)
    plan = [(people[n % len(people)], RANGES[n % len(RANGES)]) for n in range(renders)]
    cold: list[float] = []
    warm: list[float] = []
    for person, days in plan:
        DASHBOARD.invalidate(person.pk)
        cold.append(_render(clients[person.pk], days))
        warm.append(_render(clients[person.pk], days))
    counts = {}
    person, days = plan[0]
    DASHBOARD.invalidate(person.pk)
    for phase in ("cold", "warm"):
        with counting() as counted:
            _render(clients[person.pk], days)
        counts[phase] = dict(counted)
    return {"cold": cold, "warm": warm, "counts": counts}


def _measure_popular(calls: int) -> dict[str, Any]:
    from learning import selectors
    from learning.caches import POPULAR_PATHS

    cold: list[float] = []
    warm: list[float] = []
    for _ in range(calls):
        POPULAR_PATHS.invalidate()
        started = time.perf_counter()
        rows = selectors.popular_paths()
        cold.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert selectors.popular_paths() == rows
        warm.append((time.perf_counter() - started) * 1000)
    counts = {}
    POPULAR_PATHS.invalidate()
    for phase in ("cold", "warm"):
        with counting() as counted:
            selectors.popular_paths()
        counts[phase] = dict(counted)
    return {"cold": cold, "warm": warm, "counts": counts, "paths": len(rows)}


def _modes(settings: Any) -> list[tuple[str, dict[str, Any]]]:
    local = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                            "LOCATION": "bench-analytics"}}  # fmt: skip
    none = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    return [
        ("Redis on", {}),
        ("Redis off, local", {"CACHES": local, "REDIS_CACHE_ENABLED": False}),
        ("no cache", {"CACHES": none, "REDIS_CACHE_ENABLED": False, "REDIS_CACHE_FALLBACK": "none"}),
    ]


def _table(title: str, results: dict[str, dict[str, Any]], unit: str) -> None:
    print(f"\n{title} ({unit})")
    head = f"{'mode':<18} {'cold p50':>9} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9}"
    print(f"{head}   queries/round trips cold, warm")
    for mode, data in results.items():
        c, w = data["counts"]["cold"], data["counts"]["warm"]
        print(
            f"{mode:<18} {p(data['cold'], 50):>9.2f} {p(data['cold'], 95):>9.2f}"
            f" {p(data['warm'], 50):>9.2f} {p(data['warm'], 95):>9.2f}"
            f"   {c['queries']}/{c['redis']}, {w['queries']}/{w['redis']}"
        )


def run(args: argparse.Namespace, settings: Any, override: Callable[..., Any]) -> None:
    from learning.models import LearningPath

    people, seeded, rebuild_ms = _seed(args.users, args.items)
    print(
        f"Seeded {len(people)} users x {args.items} items in {seeded:.1f} s"
        f" ({LearningPath.objects.count()} learning paths); analytics rebuild {rebuild_ms:.0f} ms per user"
    )
    dashboards: dict[str, dict[str, Any]] = {}
    popular: dict[str, dict[str, Any]] = {}
    raised = {"general": {"limit": 10**9}}
    for mode, changes in _modes(settings):
        with override(RATE_LIMIT_POLICY_OVERRIDES=raised, **changes):
            dashboards[mode] = _measure_dashboard(people, args.renders)
            popular[mode] = _measure_popular(args.renders)
    _table(f"GET /analytics/ ({args.renders} renders per phase, ranges 7/30/90)", dashboards, "ms")
    _table(f"Popular learning paths, selector ({popular['Redis on']['paths']} paths listed)", popular, "ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="demo users (default 10)")
    parser.add_argument("--items", type=int, default=5000, help="items per user (default 5000)")
    parser.add_argument("--renders", type=int, default=60, help="renders per phase and mode (default 60)")
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL (an existing database on it)"
    )
    args = parser.parse_args()
    if args.users < 1 or args.items < 1 or args.renders < 1:
        parser.error("--users, --items and --renders must be at least 1")
    where, drop = setup_database(args.postgres, "analytics")
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    media = tempfile.TemporaryDirectory(prefix="trackeep-bench-media-")
    os.environ.update(REDIS_KEY_PREFIX=prefix, MEDIA_ROOT=media.name, CONTENT_FETCH_METADATA="false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    try:
        print(f"Database: {where}")
        call_command("migrate", verbosity=0)
        run(args, settings, override_settings)
    finally:
        try:
            cleanup_redis(prefix)
        finally:
            drop()
            media.cleanup()


if __name__ == "__main__":
    main()
