"""Search latency: p50/p95 of cold and warm searches, Redis cache on and off, side by side.

Run ``python -m bench.search`` (a temporary SQLite file) or ``python -m bench.search --postgres
postgres://postgres@127.0.0.1:5432/test`` (a database created next to the one named, dropped at the
end). The dataset is ``--users`` x ``--items`` index rows (default 10 x 5,000), bulk-created straight
into ``search.SearchDocument`` (the search reads only the index, so no content rows are needed),
with words drawn from a Zipf-like vocabulary, 0-3 tags per item and dates over two years.

A cold search has a freshly bumped generation (a cache miss: the database search plus the cache
write); a warm one repeats a search made just before it (a cache hit). "Redis on" is the cache role on Redis
(one EVALSHA per hit); "Redis off" is ``REDIS_CACHE_ENABLED=false``, the process-local cache. Also
printed: database queries and Redis round trips per search, and cold latency per kind of query.
Redis keys live under a private prefix and are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SEED = 20240611
COUNTED_SEARCHES = 21
KIND_WEIGHTS = {"bookmark": 40, "task": 25, "note": 25, "file": 10}
QUERY_KINDS = (
    "common word",
    "rare word",
    "two words",
    "prefix (3 letters)",
    "word + kind",
    "word + tag",
    "browse (no words)",
)


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "den", "mar", "sol", "tor"]
    words: dict[str, None] = {}
    while len(words) < size:
        words.setdefault("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))), None)
    return list(words)


class Corpus:
    """Deterministic text: word i is drawn with weight 1/(i+1) (Zipf-like)."""

    def __init__(self, rng: random.Random, size: int = 3000) -> None:
        self.rng = rng
        self.words = _vocabulary(size, rng)
        self.cumulative = list(_accumulate(1 / (rank + 1) for rank in range(size)))

    def text(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))


def _accumulate(values: Iterator[float] | Any) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def _setup_database(args: argparse.Namespace, label: str = "search") -> tuple[str, Callable[[], None]]:
    """Point DATABASE_URL at a fresh bench database; returns (description, drop function)."""
    if not args.postgres:
        directory = Path(tempfile.mkdtemp(prefix=f"trackeep-bench-{label}-"))
        path = directory / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

        def drop_sqlite() -> None:
            for file in directory.iterdir():
                file.unlink()
            directory.rmdir()

        return f"SQLite file {path}", drop_sqlite
    import psycopg

    name = f"trackeep_bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = args.postgres
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = admin.rsplit("/", 1)[0] + "/" + name

    def drop_postgres() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"PostgreSQL database {name} (created for this run)", drop_postgres


def _load(users: int, items: int, rng: random.Random) -> list[dict[str, Any]]:
    """Bulk-create users and their index rows; returns per-user facts for building queries."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from search.models import DocumentTag, SearchDocument

    corpus = Corpus(rng)
    user_model = get_user_model()
    tag = uuid.uuid4().hex[:6]
    accounts = user_model.objects.bulk_create(
        [user_model(username=f"bench{tag}{n}", email=f"bench{tag}{n}@example.org") for n in range(users)]
    )
    now = timezone.now()
    facts = []
    for account in accounts:
        tag_names = [f"{corpus.words[rng.randrange(200)]}{n}" for n in range(30)]
        documents, tags_of = [], []
        for n in range(items):
            kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
            names = rng.sample(tag_names, rng.randint(0, 3))
            created = now - dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            documents.append(
                SearchDocument(
                    owner_id=account.pk,
                    kind=kind,
                    object_id=account.pk * 10**6 + n,
                    title=corpus.text(3, 8).capitalize(),
                    body=corpus.text(20, 200 if kind == "note" else 60),
                    tags="\n".join(names),
                    url=f"https://{corpus.words[rng.randrange(500)]}.example/{n}"
                    if kind == "bookmark"
                    else "",
                    created_at=created,
                    updated_at=created + dt.timedelta(hours=rng.randrange(48)),
                    is_favorite=rng.random() < 0.2 if kind == "bookmark" else None,
                    is_read=rng.random() < 0.5 if kind == "bookmark" else None,
                    status=rng.choice(["pending", "in_progress", "completed"]) if kind == "task" else "",
                    priority=rng.choice(["low", "medium", "high", "urgent"]) if kind == "task" else "",
                    is_pinned=rng.random() < 0.1 if kind == "note" else None,
                )
            )
            tags_of.append(names)
        with transaction.atomic():
            created_rows = SearchDocument.objects.bulk_create(documents, batch_size=1000)
            DocumentTag.objects.bulk_create(
                [
                    DocumentTag(
                        document_id=row.pk, owner_id=account.pk, tag_id=tag_names.index(name) + 1, name=name
                    )
                    for row, names in zip(created_rows, tags_of, strict=True)
                    for name in names
                ],
                batch_size=2000,
            )
        facts.append({"user_id": account.pk, "tags": tag_names})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [dict(fact, words=corpus.words) for fact in facts]


def _workload(facts: list[dict[str, Any]], searches: int, rng: random.Random) -> list[tuple[str, int, Any]]:
    from search.query import SearchParams, words

    plan = []
    for n in range(searches):
        label = QUERY_KINDS[n % len(QUERY_KINDS)]
        fact = rng.choice(facts)
        vocabulary = fact["words"]
        common, rare = rng.choice(vocabulary[:20]), rng.choice(vocabulary[1000:])
        query, extra = {
            "common word": (common, {}),
            "rare word": (rare, {}),
            "two words": (f"{common} {rng.choice(vocabulary[20:300])}", {}),
            "prefix (3 letters)": (common[:3], {}),
            "word + kind": (common, {"kinds": ("note",)}),
            "word + tag": (common, {"tags": (rng.choice(fact["tags"]),)}),
            "browse (no words)": ("", {}),
        }[label]
        plan.append((label, fact["user_id"], SearchParams(terms=words(query), **extra)))
    return plan


@contextmanager
def _counting() -> Iterator[dict[str, int]]:
    """Count database queries and Redis round trips (packets sent) inside the block."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.redis.breaker import BreakerConnection

    counts = {"queries": 0, "redis": 0}
    original = BreakerConnection.send_packed_command

    def counting(self: BreakerConnection, command: Any, check_health: bool = True) -> None:
        counts["redis"] += 1
        original(self, command, check_health)

    BreakerConnection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        with CaptureQueriesContext(connection) as queries:
            yield counts
        counts["queries"] = len(queries)
    finally:
        BreakerConnection.send_packed_command = original  # type: ignore[method-assign]


def _measure(plan: list[tuple[str, int, Any]]) -> dict[str, Any]:
    """Cold then warm latency (ms) of every planned search, then queries and round trips per search
    (counted in a separate pass: recording queries slows them down)."""
    from search import selectors
    from search.caches import SEARCH

    cold: list[float] = []
    warm: list[float] = []
    by_label: dict[str, list[float]] = defaultdict(list)
    for label, user_id, params in plan:
        SEARCH.invalidate(user_id)
        started = time.perf_counter()
        result = selectors.search(user_id, params)
        elapsed = (time.perf_counter() - started) * 1000
        assert not result["cached"], "a cold search must miss"
        cold.append(elapsed)
        by_label[label].append(elapsed)
    for _label, user_id, params in plan:
        selectors.search(user_id, params)  # cached now, whatever later cold searches bumped
        started = time.perf_counter()
        result = selectors.search(user_id, params)
        warm.append((time.perf_counter() - started) * 1000)
        assert result["cached"], "a warm search must hit"
    counted = {"cold": {"queries": 0, "redis": 0}, "warm": {"queries": 0, "redis": 0}}
    sample = plan[:COUNTED_SEARCHES]
    for _label, user_id, params in sample:
        SEARCH.invalidate(user_id)
        for phase in ("cold", "warm"):
            with _counting() as counts:
                selectors.search(user_id, params)
            for name in ("queries", "redis"):
                counted[phase][name] += counts[name]
    per_search = {
        phase: {name: value / len(sample) for name, value in c.items()} for phase, c in counted.items()
    }
    return {"cold": cold, "warm": warm, "by_label": by_label, "counts": per_search}


def _p(samples: list[float], percentile: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[percentile - 1]


def _cleanup_redis(prefix: str) -> None:
    from core.redis.client import get_client

    client = get_client("state")
    found = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if found:
        client.unlink(*found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="users (default 10)")
    parser.add_argument("--items", type=int, default=5000, help="index rows per user (default 5000)")
    parser.add_argument("--searches", type=int, default=210, help="searches per pass (default 210)")
    parser.add_argument(
        "--postgres", metavar="URL", help="PostgreSQL server URL (an existing database on it)"
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    where, drop = _setup_database(args)
    prefix = f"tkbench{uuid.uuid4().hex[:8]}"
    os.environ["REDIS_KEY_PREFIX"] = prefix
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from search.backends import get_backend

    try:
        print(f"Database: {where}")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        facts = _load(args.users, args.items, rng)
        loaded = time.perf_counter() - started
        print(
            f"Loaded {args.users} users x {args.items} items in {loaded:.1f} s; backend {get_backend().name}"
        )
        plan = _workload(facts, args.searches, rng)
        on = _measure(plan)
        local = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                "LOCATION": "bench-search"}}  # fmt: skip
        with override_settings(CACHES=local, REDIS_CACHE_ENABLED=False):
            off = _measure(plan)
        n = len(plan)
        print(f"\n{n} searches per pass, milliseconds per search")
        print(f"{'':<10} {'Redis on':>20} {'Redis off (local cache)':>26}")
        print(f"{'':<10} {'p50':>9} {'p95':>10} {'p50':>12} {'p95':>13}")
        for phase in ("cold", "warm"):
            print(
                f"{phase:<10} {_p(on[phase], 50):>9.2f} {_p(on[phase], 95):>10.2f}"
                f" {_p(off[phase], 50):>12.2f} {_p(off[phase], 95):>13.2f}"
            )
        print(f"\nPer search (average of {COUNTED_SEARCHES}): database queries / Redis round trips")
        for label, data in (("Redis on", on), ("Redis off", off)):
            cold, warm = data["counts"]["cold"], data["counts"]["warm"]
            print(
                f"  {label:<10} cold {cold['queries']:.1f} / {cold['redis']:.1f}"
                f"    warm {warm['queries']:.1f} / {warm['redis']:.1f}"
            )
        print("\nCold latency by query, Redis on (ms)")
        print(f"{'query':<22} {'p50':>8} {'p95':>8}")
        for label in QUERY_KINDS:
            samples = on["by_label"][label]
            print(f"{label:<22} {_p(samples, 50):>8.2f} {_p(samples, 95):>8.2f}")
    finally:
        try:
            _cleanup_redis(prefix)
        finally:
            drop()


if __name__ == "__main__":
    main()
