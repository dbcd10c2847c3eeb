"""JSON API latency: listing bookmarks and "save this URL", p50/p95 at 1 and 32 clients.

Run ``python -m bench.api`` (PostgreSQL at ``--server-url``, a database of its own that is dropped
and created again) or ``python -m bench.api --sqlite`` (a temporary SQLite file). The stack is the
main benchmark's (``bench.stack``): two private Redis servers shaped like the compose file's roles,
gunicorn sync workers as many as compose gives the web service, rate-limit budgets out of reach.

Each virtual client is its own user with a personal API token (every scope) and ``--items``
bookmarks with two tags each. Scenarios:

- ``list``: ``GET /api/v1/bookmarks?limit=50`` (the first page, tags included);
- ``save-url``: ``POST /api/v1/bookmarks/save`` with a new address each time (one bookmark created,
  two tags attached, the change event and the search index update);
- ``save-url (again)``: the same, with an address the user already has (the idempotent path).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import loadgen, stack
from bench.stats import Summary, summarize

SEED_SCRIPT = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from api import scopes, services as api_services
from content import services
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult

spec = json.loads(sys.argv[1])
tokens = []
for index in range(spec["users"]):
    user = get_user_model().objects.create_user(
        username=f"api{index}", email=f"api{index}@example.com", password=None
    )
    entries = [
        BookmarkEntry(
            url=f"https://seed.example/{index}/{n}", title=f"Page {n}", tags=[f"topic{n % 7}", "seed"]
        )
        for n in range(spec["items"])
    ]
    services.import_bookmarks(user, entries, ImportResult())
    _, secret = api_services.create_token(user, name="bench", scopes=scopes.ALL, expires_at=None)
    tokens.append(secret)
json.dump(tokens, sys.stdout)
"""
LIST_PATH = "/api/v1/bookmarks?limit=50"
SAVE_PATH = "/api/v1/bookmarks/save"


def _auth(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def scenarios(tokens: list[str]) -> dict[str, Callable[[loadgen.VirtualUser, int], loadgen.Request]]:
    """Request factories; a virtual user's ``username`` is the index of its token."""
    run_id = secrets.token_hex(4)
    fresh = itertools.count()  # never reset between runs: every "new" address is new

    def listing(user: loadgen.VirtualUser, n: int) -> loadgen.Request:
        return loadgen.Request("GET", LIST_PATH, signed_in=False, headers=_auth(tokens[int(user.username)]))

    def save(url: str, expect: int, token: str) -> loadgen.Request:
        body = json.dumps({"url": url, "title": "Benchmarked page", "tags": ["bench", "api"]}).encode()
        return loadgen.Request(
            "POST", SAVE_PATH, signed_in=False, expect=expect, headers=_auth(token), body=body
        )

    def save_new(user: loadgen.VirtualUser, n: int) -> loadgen.Request:
        index = int(user.username)
        return save(f"https://bench.example/{run_id}/{index}/{next(fresh)}", 201, tokens[index])

    def save_again(user: loadgen.VirtualUser, n: int) -> loadgen.Request:
        index = int(user.username)
        return save(f"https://seed.example/{index}/{n % 50}", 200, tokens[index])

    return {"list": listing, "save-url": save_new, "save-url (again)": save_again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--server-url", default="postgres://postgres@127.0.0.1:5432/", help="PostgreSQL server"
    )
    parser.add_argument("--database", default="trackeep_bench_api")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--clients", default="1,32", help="concurrency levels, comma-separated")
    parser.add_argument("--items", type=int, default=500, help="bookmarks per user before the run")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=stack.compose_workers())
    args = parser.parse_args()
    levels = tuple(int(n) for n in args.clients.split(","))

    workdir = Path(tempfile.mkdtemp(prefix="tk-bench-api-"))
    database = stack.Database(args.server_url, args.database)
    redis_pair = stack.RedisPair().start()
    try:
        env = stack.app_env(database, redis_pair, workdir / "media", secrets.token_urlsafe(32), redis_on=True)
        if args.sqlite:
            env["DATABASE_URL"] = (
                f"sqlite:///{workdir / 'bench.sqlite3'}?timeout=30&transaction_mode=IMMEDIATE"
            )
        else:
            stack.require_loopback(args.server_url)
            database.recreate()
        stack.manage(env, "migrate", "--noinput", "-v", "0")
        spec = json.dumps({"users": max(levels), "items": args.items})
        tokens = json.loads(stack.python(env, "-c", SEED_SCRIPT, spec))
        users = [loadgen.VirtualUser(str(index), session="") for index in range(len(tokens))]
        rows = []
        with stack.Gunicorn(env, args.workers) as server:
            for name, factory in scenarios(tokens).items():
                for clients in levels:
                    result = asyncio.run(
                        loadgen.run(server.base_url, users[:clients], factory, args.warmup, args.duration)
                    )
                    summary = summarize(result.latencies_ms, result.errors, result.seconds)
                    rows.append((name, clients, summary, result.error_samples))
        _print(rows, args, "SQLite" if args.sqlite else "PostgreSQL")
    finally:
        redis_pair.stop()
        if not args.sqlite:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


def _print(rows: list[tuple[str, int, Summary, list[str]]], args: argparse.Namespace, db: str) -> None:
    print(f"\nJSON API on {db}, {args.workers} gunicorn workers, {args.items} bookmarks per user, "
          f"{args.duration:g} s per row\n")  # fmt: skip
    columns = ("requests", "req/s", "p50 ms", "p95 ms", "errors")
    print(f"{'scenario':<18} {'clients':>7} " + " ".join(f"{column:>8}" for column in columns))
    for name, clients, summary, samples in rows:
        print(
            f"{name:<18} {clients:>7} {summary.requests:>8} {summary.rps:>8.1f} {summary.p50:>8.1f} "
            f"{summary.p95:>8.1f} {summary.errors:>8}"
        )
        for sample in samples[:2]:
            print(f"    e.g. {sample}")


if __name__ == "__main__":
    main()
