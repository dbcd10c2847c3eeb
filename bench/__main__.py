"""``python -m bench`` (``make bench``): issue 12's table, measured on the shipped server shape.

See ``bench.runner`` for what a run does and docs/benchmarks.md for how to read the figures. Every
server is started here on 127.0.0.1 and stopped at the end; the only PostgreSQL database touched is
the run's own (``--database``, default ``bench_<pid>``), created and dropped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import stack
from bench.runner import Options, Run, command_line, default_database

# Defaults sized for a full run of at most about 12 minutes on a quiet 2-core machine.
DEFAULT_ITEMS = 5000
DEFAULT_ROUNDS = 3
DEFAULT_DURATION = 4
DEFAULT_WARMUP = 1
RESERVED_DATABASES = ("test", "postgres", "template0", "template1")


def _seconds(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 600:
        raise argparse.ArgumentTypeError("must be between 0 and 600 whole seconds (wrk's unit)")
    return value


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="demo users (default 10)")
    parser.add_argument(
        "--items", type=int, default=DEFAULT_ITEMS, help=f"items per user (default {DEFAULT_ITEMS})"
    )
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    parser.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, help=f"interleaved rounds (default {DEFAULT_ROUNDS})"
    )
    parser.add_argument(
        "--duration", type=_seconds, default=DEFAULT_DURATION,
        help=f"seconds measured per pass (default {DEFAULT_DURATION})",
    )  # fmt: skip
    parser.add_argument(
        "--warmup", type=_seconds, default=DEFAULT_WARMUP,
        help=f"unrecorded seconds before each pass (default {DEFAULT_WARMUP}; 0 for none)",
    )  # fmt: skip
    parser.add_argument(
        "--count-requests", type=int, default=50, help="requests per page in the counting pass (default 50)"
    )
    parser.add_argument(
        "--workers", type=int, default=stack.compose_workers(),
        help="gunicorn workers (default: docker-compose.yml's WEB_CONCURRENCY default)",
    )  # fmt: skip
    parser.add_argument(
        "--server-url", default="postgres://postgres@127.0.0.1:5432/", help="PostgreSQL server (loopback)"
    )
    parser.add_argument(
        "--database", default=default_database(), help="database created and dropped (default bench_<pid>)"
    )
    parser.add_argument(
        "--delivery-sockets", type=int, default=200, help="WebSockets for message delivery (0 skips it)"
    )
    parser.add_argument("--delivery-messages", type=int, default=50, help="messages posted (default 50)")
    parser.add_argument("--results-dir", type=Path, default=stack.ROOT / "bench" / "results")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    args = parser.parse_args(argv)
    if min(args.users, args.items, args.workers, args.count_requests, args.rounds) < 1:
        parser.error("--users, --items, --workers, --count-requests and --rounds must be at least 1")
    if args.duration < 1:
        parser.error("--duration must be at least 1 second")
    if args.database in RESERVED_DATABASES:
        parser.error(f"--database {args.database} is not the bench's to drop")
    stack.require_loopback(args.server_url)
    return Options(
        users=args.users, items=args.items, seed=args.seed, rounds=args.rounds, duration=args.duration,
        warmup=args.warmup, count_requests=args.count_requests, workers=args.workers,
        server_url=args.server_url, database=args.database, delivery_sockets=args.delivery_sockets,
        delivery_messages=args.delivery_messages, results_dir=args.results_dir,
        keep_database=args.keep_database,
    )  # fmt: skip


if __name__ == "__main__":
    Run(parse()).execute(command_line())
