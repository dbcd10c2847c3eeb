"""One benchmark run from start to finish (``python -m bench``, ``make bench``).

1. A PostgreSQL database of the run's own (``bench_<pid>``, created here and dropped at the end),
   two private Redis servers shaped like compose's roles (``bench.stack.RedisPair``), migrations, and
   ``manage.py seed_demo`` (10 users x ``--items``).
2. One gunicorn per variant (``bench.scenarios.VARIANTS``), each with the Dockerfile's command (the
   shipped shape: workers, ``--preload``, jittered recycling), all kept running through the rounds.
   Each user signs in once through the login form on the Redis-on server and once on the Redis-off
   one; the other Redis-on servers share the Redis-on sessions.
3. ``--rounds`` rounds of the plan (``bench.scenarios.schedule``): every timed pass with wrk
   (``bench.wrk``), each measurement's variants back to back, after ``--warmup`` unrecorded seconds.
4. The counting pass: one more gunicorn (Redis on, ``bench.settings`` with ``BENCH_COUNTERS=1``), one
   client, warm-up requests, then DB queries and Redis round trips per request from its headers.
5. Redis memory (``bench.memory``) while the run's sessions are there, then message delivery
   (``bench.messaging.delivery_figures``).
6. Issue 12's table (``bench.rows``) printed, and everything written to ``bench/results/<stamp>.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import loadgen, machine, messaging, report, stack, wrk
from bench.counters import DB_HEADER, REDIS_HEADER
from bench.rows import evaluate
from bench.scenarios import COUNTED_PAGES, PAGES, PLAN, VARIANTS, Step, schedule, variants_used

COUNT_WARMUP_REQUESTS = 10


@dataclass(frozen=True)
class Options:
    users: int
    items: int
    seed: int
    rounds: int
    duration: int
    warmup: int
    count_requests: int
    workers: int
    server_url: str
    database: str
    delivery_sockets: int
    delivery_messages: int
    results_dir: Path
    keep_database: bool


def default_database() -> str:
    """A database name of this process's own (never the CI's ``test``)."""
    return f"bench_{os.getpid()}"


def _shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    return str(path.relative_to(stack.ROOT) if path.is_relative_to(stack.ROOT) else path)


def _page(path: str) -> loadgen.RequestFactory:
    return lambda user, n: loadgen.Request("GET", path)


class Run:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.db = stack.Database(options.server_url, options.database)
        self.redis = stack.RedisPair()
        self.media = Path(tempfile.mkdtemp(prefix="tk-bench-media-"))
        self.secret_key = secrets.token_urlsafe(40)
        self.doc: dict[str, Any] = {"passes": [], "counts": []}
        self.fixtures: dict[str, Any] = {}
        self.servers: dict[str, stack.Gunicorn] = {}
        self.sessions: dict[str, list[str]] = {}

    def env(self, redis_on: bool, production_limits: bool = False) -> dict[str, str]:
        return stack.app_env(
            self.db,
            self.redis,
            self.media,
            self.secret_key,
            redis_on=redis_on,
            production_limits=production_limits,
        )

    def prepare(self) -> float:
        self.db.recreate()
        env = self.env(redis_on=True)
        print(f"migrating {self.db.name} ...", flush=True)
        stack.manage(env, "migrate", "--noinput", "-v", "0")
        print(f"seeding {self.o.users} users x {self.o.items} items ...", flush=True)
        started = time.perf_counter()
        size = ("--users", str(self.o.users), "--items", str(self.o.items), "--seed", str(self.o.seed))
        stack.manage(env, "seed_demo", *size, "-v", "0")
        took = time.perf_counter() - started
        print(f"seeded in {took:.1f}s", flush=True)
        self.fixtures = json.loads(stack.python(env, "-m", "bench.fixtures"))
        return took

    def start_servers(self, stack_of: ExitStack) -> None:
        for variant in variants_used():
            env = self.env(redis_on=variant != "off", production_limits=variant == "prodlimits")
            server = stack.Gunicorn(env, self.o.workers, recycling=variant != "norecycle")
            self.servers[variant] = stack_of.enter_context(server)
        for variant in ("on", "off"):
            users = asyncio.run(
                loadgen.log_in(
                    self.servers[variant].base_url,
                    list(self.fixtures["users"]),
                    self.fixtures["password"],
                    parallel=self.o.workers,
                )
            )
            self.sessions[variant] = [user.session for user in users]
        for variant in ("norecycle", "prodlimits"):
            self.sessions[variant] = self.sessions["on"]
        print(f"servers: {', '.join(f'{v} :{s.port}' for v, s in self.servers.items())}", flush=True)

    def preflight(self) -> None:
        """Every page answers 200 to every session of every variant that measures it (a redirect to
        the login page would otherwise count as a fast success)."""
        for measurement in PLAN:
            page = PAGES[measurement.page]
            for variant in measurement.variants:
                url = self.servers[variant].base_url + page.path
                for session in self.sessions[variant] if page.signed_in else [None]:
                    wrk.preflight(url, session)

    def timed(self, step: Step) -> dict[str, Any]:
        page = PAGES[step.page]
        server = self.servers[step.variant]
        sessions = self.sessions[step.variant] if page.signed_in else []
        url = server.base_url + page.path
        row: dict[str, Any] = {"round": step.round, "page": step.page, "clients": step.clients,
                               "variant": step.variant}  # fmt: skip
        try:
            if self.o.warmup:
                wrk.run(url, sessions, step.clients, self.o.warmup, server.pid)
            result = wrk.run(url, sessions, step.clients, self.o.duration, server.pid)
        except wrk.WrkError as exc:
            row["error"] = str(exc)
            print(f"  round {step.round} {step.page:<10} {step.clients:>3} {step.variant:<10} failed: {exc}")
            return row
        row.update(result.as_dict())
        print(
            f"  round {step.round} {step.page:<10} {step.clients:>3} {step.variant:<10} "
            f"{result.rps:>8.1f} req/s  p50 {result.p50:>7.2f}  p95 {result.p95:>7.2f}  "
            f"p99 {result.p99:>7.2f} ms  >=400 {result.status_errors}  socket errors "
            f"{result.socket_errors}  CPU wrk {result.client_cpu:.0%} server {result.server_cpu:.0%}",
            flush=True,
        )
        return row

    def count(self) -> None:
        env = self.env(redis_on=True)
        env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_COUNTERS": "1"})
        user = loadgen.VirtualUser(self.fixtures["users"][0], self.sessions["on"][0])
        headers = (DB_HEADER, REDIS_HEADER)
        with stack.Gunicorn(env, 1) as server:
            for name in COUNTED_PAGES:
                factory = _page(PAGES[name].path)
                asyncio.run(loadgen.count(server.base_url, user, factory, COUNT_WARMUP_REQUESTS, headers))
                result = asyncio.run(
                    loadgen.count(server.base_url, user, factory, self.o.count_requests, headers)
                )
                done = len(result.queries)
                row = {
                    "page": name,
                    "requests": done,
                    "errors": result.errors,
                    "error_samples": result.error_samples,
                    "db_queries": sum(result.queries) / done if done else None,
                    "db_queries_median": statistics.median(result.queries) if done else None,
                    "db_queries_max": max(result.queries, default=0),
                    "redis_round_trips": sum(result.round_trips) / done if done else None,
                    "redis_round_trips_max": max(result.round_trips, default=0),
                }
                self.doc["counts"].append(row)
                if done:
                    print(
                        f"  {name:<10} {row['db_queries']:.2f} DB queries (max {row['db_queries_max']}), "
                        f"{row['redis_round_trips']:.2f} Redis round trips per request "
                        f"(errors {result.errors})",
                        flush=True,
                    )
                else:
                    print(f"  {name:<10} no answers: {result.error_samples}", flush=True)

    def memory(self) -> dict[str, Any]:
        figures: dict[str, Any] = json.loads(
            stack.python(self.env(redis_on=True, production_limits=True), "-m", "bench.memory")
        )
        return figures

    def delivery(self) -> dict[str, Any]:
        if self.o.delivery_sockets <= 0:
            return {"skipped": "--delivery-sockets 0"}
        print(f"message delivery: {self.o.delivery_sockets} sockets over 2 Daphne instances ...", flush=True)
        try:
            figures = messaging.delivery_figures(
                self.redis.state.url, self.o.delivery_sockets, self.o.delivery_messages
            )
        except Exception as exc:  # reported in the table; the rest of the run is kept
            failure = f"failed: {type(exc).__name__}: {exc}"[:300]
            print(f"message delivery {failure}", flush=True)
            return {"skipped": failure}
        print(figures.pop("printout").strip(), flush=True)
        return figures

    def rounds(self) -> None:
        steps = schedule(self.o.rounds)
        print(
            f"{len(steps)} timed passes: {self.o.rounds} rounds x {len(steps) // self.o.rounds}, "
            f"{self.o.warmup} s warm-up + {self.o.duration} s each",
            flush=True,
        )
        for step in steps:
            self.doc["passes"].append(self.timed(step))

    def execute(self, command: str) -> dict[str, Any]:
        started = time.perf_counter()
        started_at = datetime.now(UTC)
        load_before = machine.load()
        wrk.find_wrk()
        if machine.busy():
            print(f"warning: load average {load_before}: other work will show up in the figures", flush=True)
        phases: dict[str, float] = {}
        mark = time.perf_counter()

        def phase(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            phases[name] = round(now - mark, 1)
            mark = now

        self.redis.start()
        try:
            seed_seconds = self.prepare()
            phase("database, migrations and seeding")
            with ExitStack() as servers:
                self.start_servers(servers)
                self.preflight()
                phase("servers and sign-ins")
                self.rounds()
                phase("timed rounds")
                self.doc["recycles"] = {v: s.recycles() for v, s in self.servers.items()}
                self.doc["server_tracebacks"] = {v: s.tracebacks() for v, s in self.servers.items()}
            print("counting pass (Redis on, one client)", flush=True)
            self.count()
            phase("counting pass")
            print("Redis memory", flush=True)
            self.doc["memory"] = self.memory()
            phase("Redis memory")
            self.doc["delivery"] = self.delivery()
            phase("message delivery")
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
            "workers": self.o.workers, "gunicorn": stack.shipped_gunicorn_flags(),
            "rounds": self.o.rounds, "duration": self.o.duration, "warmup": self.o.warmup,
            "count_requests": self.o.count_requests,
            "total_seconds": time.perf_counter() - started, "phase_seconds": phases,
            "pages": {name: page.path for name, page in PAGES.items()},
            "variants": VARIANTS,
        }  # fmt: skip
        self.doc["rows"] = [row.as_dict() for row in evaluate(self.doc)]  # as printed; report re-evaluates
        self.o.results_dir.mkdir(parents=True, exist_ok=True)
        results_file.write_text(json.dumps(self.doc, indent=2) + "\n")
        report.print_report(self.doc)
        print(f"\nResults: {results_file}")
        return self.doc


def command_line() -> str:
    return " ".join(["python -m bench", *(shlex.quote(arg) for arg in sys.argv[1:])])
