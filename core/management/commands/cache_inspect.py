"""``manage.py cache_inspect``: what this deployment keeps in Redis, per key family.

SCANs (never KEYS) the keys under ``REDIS_KEY_PREFIX`` on the cache and state roles (once per
server when they share one) and prints per family: key count, keys without expiry, TTL min/avg/max
and an estimate of memory from MEMORY USAGE of a few sampled keys. Read-only.
"""

from __future__ import annotations

from typing import Any

import redis
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.redis.keyspace import (
    DEFAULT_LIMIT,
    DEFAULT_SAMPLE,
    SCAN_BATCH,
    FamilyStats,
    KeyspaceReport,
    role_servers,
    scan_keyspace,
)


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 86400:
        return f"{value / 86400:.1f}d"
    if value >= 3600:
        return f"{value / 3600:.1f}h"
    if value >= 60:
        return f"{value / 60:.1f}m"
    return f"{value:.0f}s"


def _bytes(value: int | None) -> str:
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f}{unit}" if unit == "B" else f"{size:.1f}{unit}"
        size /= 1024
    return f"{size:.1f}GiB"


class Command(BaseCommand):
    help = "Count this deployment's Redis keys per family, with TTL and memory statistics (SCAN only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pattern",
            default="*",
            metavar="GLOB",
            help="glob on the key after the prefix, e.g. '*:profile' or '{u:*' (default '*')",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=DEFAULT_LIMIT,
            metavar="N",
            help=f"stop after N keys per server (default {DEFAULT_LIMIT})",
        )
        parser.add_argument(
            "--sample",
            type=int,
            default=DEFAULT_SAMPLE,
            metavar="N",
            help=f"keys per family measured with MEMORY USAGE (default {DEFAULT_SAMPLE})",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=SCAN_BATCH,
            metavar="N",
            help=f"SCAN COUNT hint, and progress every batch at -v 2 (default {SCAN_BATCH})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1 or options["batch"] < 1 or options["sample"] < 0:
            raise CommandError("--limit and --batch must be at least 1, --sample at least 0.")
        servers = role_servers()
        if not servers:
            raise CommandError("Neither the cache nor the state role is configured with Redis.")
        verbosity = options["verbosity"]
        for roles, client in servers:
            try:
                report = scan_keyspace(
                    client,
                    roles,
                    glob=options["pattern"],
                    limit=options["limit"],
                    sample_size=options["sample"],
                    batch=options["batch"],
                    on_batch=self._progress if verbosity >= 2 else None,
                )
            except redis.RedisError as exc:
                raise CommandError(f"Redis for {'+'.join(roles)} unreachable: {exc}") from exc
            if verbosity >= 1:
                self._print(report)

    def _progress(self, scanned: int) -> None:
        self.stdout.write(f"  scanned {scanned} keys...")

    def _print(self, report: KeyspaceReport) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{'+'.join(report.roles)} ({report.server})"))
        self.stdout.write(f"  {report.scanned} keys matching {report.pattern}")
        if report.truncated:
            self.stdout.write(self.style.WARNING(f"  stopped after {report.scanned} keys (--limit)"))
        if not report.families:
            return
        header = ("family", "keys", "no TTL", "TTL min", "TTL avg", "TTL max", "memory~", "example")
        rows = [header] + [self._row(f) for f in sorted(report.families.values(), key=lambda f: -f.count)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        for n, row in enumerate(rows):
            line = (
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
            )
            self.stdout.write(self.style.SQL_FIELD(line) if n == 0 else line)

    @staticmethod
    def _row(stats: FamilyStats) -> tuple[str, ...]:
        return (
            stats.family,
            str(stats.count),
            str(stats.persistent),
            _seconds(stats.ttl_min),
            _seconds(stats.ttl_avg),
            _seconds(stats.ttl_max),
            _bytes(stats.estimated_bytes),
            stats.example,
        )
