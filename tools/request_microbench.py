"""Per-request Python of the hot read pages, in one process: ``python -m tools.request_microbench``.

Django's test client (the whole middleware stack, no HTTP server) times repeated requests of one
signed-in user against a fresh SQLite file and a private redis-server, with ``DEBUG`` off and the
rate limits raised out of the way (their round trip still runs). Every page is warmed first, so
each figure is a cache hit: what is left is the per-request Python this file exists to measure.
Rounds are interleaved page by page; the median and spread of the per-round medians are printed,
with queries and Redis round trips per request. Used for docs/benchmarks.md, "Per-request work".
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

UNLIMITED = 10_000_000  # below the counters' ceiling; the limiter's round trip still runs
PAGES = {
    "home": ("/", {}),
    "bookmarks": ("/content/bookmarks/", {}),
    "search api": ("/search/api/", {"q": "python"}),
    "search partial": ("/search/", {"q": "python", "HX": "1"}),
    "search quick": ("/search/quick/", {"q": "python"}),
    "messages": ("/messages/", {}),
    "healthz": ("/healthz", {}),
}


def _environment(redis_url: str, directory: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="trackeep.settings",
        DATABASE_URL=f"sqlite:///{directory / 'bench.sqlite3'}",
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX="tkmb",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
        RATE_LIMIT_POLICIES_JSON=json.dumps({name: {"limit": UNLIMITED} for name in ("general", "search")}),
    )


def _seed(items: int) -> Any:
    from django.core.management import call_command

    from content import services
    from tests.factories import make_user

    call_command("migrate", verbosity=0)
    user = make_user(username="bench")
    for i in range(items):
        services.create_bookmark(user, url=f"https://example.com/{i}", title=f"Python tip {i}", tags=["py"])
        services.create_note(user, title=f"Note {i} on python", content="python " * 20)
    return user


def _request(client: Any, path: str, params: dict[str, str]) -> int:
    headers = {"HTTP_HX_REQUEST": "true"} if params.get("HX") else {}
    query = {k: v for k, v in params.items() if k != "HX"}
    response = client.get(path, query, **headers)
    return int(response.status_code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()

    from tools.redis_process import RedisProcess

    server = RedisProcess().start()
    directory = Path(tempfile.mkdtemp(prefix="trackeep-microbench-"))
    try:
        _environment(server.url, directory)
        import django

        django.setup()
        from django.test import Client

        from bench.inprocess import counting

        user = _seed(args.items)
        client = Client()
        client.force_login(user)
        medians: dict[str, list[float]] = {name: [] for name in PAGES}
        counts: dict[str, dict[str, int]] = {}
        for name, (path, params) in PAGES.items():
            assert _request(client, path, params) == 200, name  # warm
            with counting() as counted:
                _request(client, path, params)
            counts[name] = dict(counted)
        for _ in range(args.rounds):
            for name, (path, params) in PAGES.items():
                samples = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    _request(client, path, params)
                    samples.append((time.perf_counter() - started) * 1000)
                medians[name].append(statistics.median(samples))
        print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} rounds x {args.requests} requests")
        print(f"{'page':<16}{'median ms':>10}{'spread':>16}{'queries':>9}{'round trips':>13}")
        for name, values in medians.items():
            spread = f"{min(values):.2f}-{max(values):.2f}"
            print(
                f"{name:<16}{statistics.median(values):>10.2f}{spread:>16}"
                f"{counts[name]['queries']:>9}{counts[name]['redis']:>13}"
            )
    finally:
        server.stop()
        for file in directory.iterdir():
            file.unlink()
        directory.rmdir()


if __name__ == "__main__":
    main()
