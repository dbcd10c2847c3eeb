"""One benchmark run from start to finish (``python -m bench``).

1. Recreate the PostgreSQL database, start the two private Redis servers, migrate, and seed the demo
   dataset with ``manage.py seed_demo`` (which also rebuilds the search index).
2. For each mode, Redis features off (the seed's "before") and on: start gunicorn, sign in one
   virtual user per client through the login form, and measure every scenario at every concurrency
   (``bench.loadgen``); then restart gunicorn with ``bench.settings`` and ``BENCH_COUNTERS=1`` for the
   counting pass: one client, warm-up requests, then DB queries and Redis round trips per request
   from the response headers, and Redis commands per request from ``INFO commandstats`` deltas.
3. Cross-instance WebSocket delivery with ``bench.fanout`` (Redis on only: with the in-memory channel
   layer one process cannot reach another).
4. Evaluate the targets, print the tables, write ``bench/results/<timestamp>.json`` and its chart.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from bench import delivery, loadgen, machine, report, stack
from bench.counters import DB_HEADER, REDIS_HEADER
from bench.scenarios import Scenario, scenarios
from bench.stats import summarize
from bench.targets import evaluate, read_scenarios

MODES = ("off", "on")
COUNT_WARMUP_REQUESTS = 20


@dataclass(frozen=True)
class Options:
    users: int
    items: int
    seed: int
    clients: tuple[int, ...]
    duration: float
    warmup: float
    count_requests: int
    workers: int
    server_url: str
    database: str
    scenarios: tuple[str, ...]
    fanout_clients: int
    fanout_messages: int
    results_dir: Path
    keep_database: bool


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(stack.ROOT) if path.is_relative_to(stack.ROOT) else path)


class CommandCounter:
    """Commands processed by the benchmark's Redis servers, from ``INFO commandstats``. One open
    connection per server, so each reading adds exactly one command (its own INFO) to the next."""

    def __init__(self, urls: list[str]) -> None:
        self.clients = [redis.Redis.from_url(url) for url in urls]

    def total(self) -> int:
        return sum(
            int(stats["calls"]) for client in self.clients for stats in client.info("commandstats").values()
        )

    def since(self, before: int) -> int:
        """Commands since the reading ``before``, without that reading's own INFO calls."""
        return self.total() - before - len(self.clients)

    def close(self) -> None:
        for client in self.clients:
            client.close()


def count_row(mode: str, scenario: str, result: loadgen.CountResult, commands: int) -> dict[str, Any]:
    """Per-request means (and maxima) of one counting pass; ``commands`` from INFO commandstats."""
    done = len(result.queries)
    nan = float("nan")
    return {
        "mode": mode,
        "scenario": scenario,
        "requests": done,
        "errors": result.errors,
        "error_samples": result.error_samples,
        "db_queries": sum(result.queries) / done if done else nan,
        "db_queries_max": max(result.queries, default=0),
        "redis_round_trips": sum(result.round_trips) / done if done else nan,
        "redis_round_trips_max": max(result.round_trips, default=0),
        "redis_commands": commands / result.sent if result.sent else nan,
    }


class Run:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.all: list[Scenario] = []  # known once the dataset (and its password) exists
        self.db = stack.Database(options.server_url, options.database)
        self.redis = stack.RedisPair()
        self.media = Path(tempfile.mkdtemp(prefix="tk-bench-media-"))
        self.secret_key = secrets.token_urlsafe(40)
        self.doc: dict[str, Any] = {"timed": [], "counts": []}
        self.fixtures: dict[str, Any] = {}

    def levels(self, scenario: Scenario) -> list[int]:
        levels = {min(c, scenario.max_clients) if scenario.max_clients else c for c in self.o.clients}
        return sorted(levels)

    def prepare(self) -> float:
        self.db.recreate()
        env = stack.app_env(self.db, self.redis, self.media, self.secret_key, redis_on=True)
        print(f"migrating {self.db.name} ...", flush=True)
        stack.manage(env, "migrate", "--noinput", "-v", "0")
        print(f"seeding {self.o.users} users x {self.o.items} items ...", flush=True)
        started = time.perf_counter()
        size = ("--users", str(self.o.users), "--items", str(self.o.items), "--seed", str(self.o.seed))
        stack.manage(env, "seed_demo", *size, "-v", "0")
        took = time.perf_counter() - started
        print(f"seeded in {took:.1f}s", flush=True)
        self.fixtures = json.loads(stack.python(env, "-m", "bench.fixtures"))
        self.all = [s for s in scenarios(self.fixtures["password"]) if s.name in self.o.scenarios]
        return took

    def sign_in(self, base_url: str) -> list[loadgen.VirtualUser]:
        names = self.fixtures["users"]
        wanted = [names[i % len(names)] for i in range(max(self.o.clients))]
        users = asyncio.run(
            loadgen.log_in(base_url, wanted, self.fixtures["password"], parallel=self.o.workers)
        )
        return [
            loadgen.VirtualUser(u.username, u.session, self.fixtures["direct"].get(u.username)) for u in users
        ]

    def measure(self, mode: str) -> list[loadgen.VirtualUser]:
        env = stack.app_env(self.db, self.redis, self.media, self.secret_key, redis_on=mode == "on")
        with stack.Gunicorn(env, self.o.workers) as server:
            users = self.sign_in(server.base_url)
            for scenario in self.all:
                for clients in self.levels(scenario):
                    run = loadgen.run(
                        server.base_url, users[:clients], scenario.factory, self.o.warmup, self.o.duration
                    )
                    result = asyncio.run(run)
                    summary = summarize(result.latencies_ms, result.errors, result.seconds)
                    row = {
                        "mode": mode,
                        "scenario": scenario.name,
                        "clients": clients,
                        **summary.as_dict(),
                        "client_cpu": round(result.client_cpu, 2),
                        "error_samples": result.error_samples,
                    }
                    self.doc["timed"].append(row)
                    print(
                        f"  Redis {mode:<3} {scenario.name:<16} {clients:>3} clients  "
                        f"{summary.rps:>8.1f} req/s  "
                        f"p50 {summary.p50:>8.2f}  p95 {summary.p95:>8.2f}  p99 {summary.p99:>8.2f} ms  "
                        f"errors {summary.errors}  client CPU {result.client_cpu:.0%}",
                        flush=True,
                    )
        return users

    def count(self, mode: str, user: loadgen.VirtualUser) -> None:
        env = stack.app_env(self.db, self.redis, self.media, self.secret_key, redis_on=mode == "on")
        env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_COUNTERS": "1"})
        headers = (DB_HEADER, REDIS_HEADER)
        counter = CommandCounter([self.redis.state.url, self.redis.cache.url])
        try:
            with stack.Gunicorn(env, self.o.workers) as server:
                for scenario in self.all:
                    warmup, requests = COUNT_WARMUP_REQUESTS, self.o.count_requests
                    if scenario.max_counted:
                        warmup = min(warmup, scenario.max_counted)
                        requests = min(requests, scenario.max_counted)
                    asyncio.run(loadgen.count(server.base_url, user, scenario.factory, warmup, headers))
                    before = counter.total()
                    result = asyncio.run(
                        loadgen.count(server.base_url, user, scenario.factory, requests, headers)
                    )
                    row = count_row(mode, scenario.name, result, counter.since(before))
                    self.doc["counts"].append(row)
                    print(
                        f"  Redis {mode:<3} {scenario.name:<16} {row['db_queries']:>6.2f} DB queries  "
                        f"{row['redis_round_trips']:>5.2f} Redis round trips  {row['redis_commands']:>5.2f} "
                        f"commands per request  (errors {result.errors})",
                        flush=True,
                    )
        finally:
            counter.close()

    def fanout(self) -> dict[str, Any]:
        if self.o.fanout_clients <= 0:
            return {"skipped": "--fanout-clients 0"}
        print(f"WebSocket fan-out: {self.o.fanout_clients} sockets over 2 instances ...", flush=True)
        figures = delivery.run(self.redis.state.url, self.o.fanout_clients, self.o.fanout_messages)
        print(figures.pop("printout").strip(), flush=True)
        return figures

    def execute(self, command: str) -> dict[str, Any]:
        started = time.perf_counter()
        started_at = datetime.now(UTC)
        load_before = machine.load()
        if machine.busy():
            print(f"warning: load average {load_before}: other work will show up in the figures", flush=True)
        self.redis.start()
        try:
            seed_seconds = self.prepare()
            for mode in MODES:
                print(f"Redis features {mode}: timed passes", flush=True)
                users = self.measure(mode)
                print(f"Redis features {mode}: counting pass", flush=True)
                self.count(mode, users[0])
            self.doc["fanout"] = self.fanout()
            described = machine.describe(self.db.version())
        finally:
            self.redis.stop()
            shutil.rmtree(self.media, ignore_errors=True)
            if not self.o.keep_database:
                self.db.drop()
        stamp = started_at.strftime("%Y%m%dT%H%M%SZ")
        results_file = self.o.results_dir / f"{stamp}.json"
        self.doc["meta"] = {
            "started": started_at.isoformat(timespec="seconds"),
            "results_file": _shown(results_file),
            "command": command, "commit": machine.commit(), "machine": described,
            "load_before": load_before, "load_after": machine.load(),
            "users": self.o.users, "items": self.o.items, "seed": self.o.seed, "seed_seconds": seed_seconds,
            "workers": self.o.workers, "clients": list(self.o.clients), "duration": self.o.duration,
            "warmup": self.o.warmup, "count_requests": self.o.count_requests,
            "total_seconds": time.perf_counter() - started,
            "scenarios": {s.name: s.description for s in self.all},
        }  # fmt: skip
        self.doc["targets"] = [t.as_dict() for t in evaluate(self.doc, read_scenarios(self.doc))]
        self.o.results_dir.mkdir(parents=True, exist_ok=True)
        results_file.write_text(json.dumps(self.doc, indent=2) + "\n")
        report.write_chart(self.doc, results_file.with_suffix(".svg"))
        report.print_report(self.doc)
        print(f"\nResults: {results_file} (chart: {results_file.with_suffix('.svg').name})")
        return self.doc


def command_line() -> str:
    return " ".join(["python -m bench", *(shlex.quote(arg) for arg in sys.argv[1:])])
