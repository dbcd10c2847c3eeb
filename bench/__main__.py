"""``python -m bench`` (``make bench``): the whole-stack benchmark, Redis features off vs on.

See ``bench.runner`` for what a run does and docs/benchmarks.md for how to read the figures. Every
server is started here on 127.0.0.1 and stopped at the end; the only PostgreSQL database touched is
``--database`` (dropped and created again).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import stack
from bench.runner import Options, Run, command_line
from bench.scenarios import scenarios


def _levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of client counts: {text!r}") from exc
    if not levels or levels[0] < 1 or levels[-1] > 256:
        raise argparse.ArgumentTypeError("client counts must be between 1 and 256")
    return levels


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def parse(argv: list[str] | None = None) -> Options:
    names = [s.name for s in scenarios(password="")]
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10, help="demo users (default 10)")
    parser.add_argument("--items", type=int, default=5000, help="items per user (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    parser.add_argument("--clients", type=_levels, default=(1, 32), help="concurrency levels (default 1,32)")
    parser.add_argument(
        "--duration", type=_positive, default=8.0, help="seconds measured per run (default 8)"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="unrecorded seconds before each run (default 2)"
    )
    parser.add_argument(
        "--count-requests", type=int, default=100, help="requests per counting pass (default 100)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=stack.compose_workers(),
        help="gunicorn workers (default: docker-compose.yml's)",
    )
    parser.add_argument(
        "--server-url", default="postgres://postgres@127.0.0.1:5432/", help="PostgreSQL server (loopback)"
    )
    parser.add_argument(
        "--database", default="trackeep_bench", help="database to drop and recreate (default trackeep_bench)"
    )
    parser.add_argument(
        "--scenarios", default=",".join(names), help=f"comma-separated subset of: {', '.join(names)}"
    )
    parser.add_argument(
        "--fanout-clients", type=int, default=200, help="WebSocket clients for fan-out (0 skips it)"
    )
    parser.add_argument("--fanout-messages", type=int, default=50, help="messages fanned out (default 50)")
    parser.add_argument("--results-dir", type=Path, default=stack.ROOT / "bench" / "results")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    args = parser.parse_args(argv)
    chosen = tuple(name.strip() for name in args.scenarios.split(",") if name.strip())
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.users < 1 or args.items < 1 or args.workers < 1 or args.count_requests < 1:
        parser.error("--users, --items, --workers and --count-requests must be at least 1")
    stack.require_loopback(args.server_url)
    return Options(
        users=args.users, items=args.items, seed=args.seed, clients=args.clients, duration=args.duration,
        warmup=args.warmup, count_requests=args.count_requests, workers=args.workers,
        server_url=args.server_url, database=args.database, scenarios=chosen,
        fanout_clients=args.fanout_clients, fanout_messages=args.fanout_messages,
        results_dir=args.results_dir, keep_database=args.keep_database,
    )  # fmt: skip


if __name__ == "__main__":
    Run(parse()).execute(command_line())
