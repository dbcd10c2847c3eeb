"""``manage.py cache_inspect``: what this deployment keeps in Redis, per key family.

SCANs (never KEYS) the keys under ``REDIS_KEY_PREFIX`` on the cache and state roles (once per
server when they share one) and prints per family: key count, keys without expiry, TTL min/avg/max
and an estimate of memory from MEMORY USAGE of a few sampled keys. Then the cache registry: every
declared family with its scope, TTL, invalidating events, whether it can be warmed and how many keys
it has; ``--user ID`` adds that user's generation and live entries per family. Read-only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.management.families import add_family_arguments, families_from_options
from core.redis import keys
from core.redis.client import cache_for, get_client, is_redis_backed
from core.redis.errors import RedisUnavailable
from core.redis.families import CacheFamily
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

        parser.add_argument("--user", type=int, metavar="ID", help="show this user's entries per family")
        add_family_arguments(parser, required=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1 or options["batch"] < 1 or options["sample"] < 0:
            raise CommandError("--limit and --batch must be at least 1, --sample at least 0.")
        servers = role_servers()
        if not servers:
            raise CommandError("Neither the cache nor the state role is configured with Redis.")
        verbosity = options["verbosity"]
        chosen = families_from_options(options, required=False)
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
            except RedisUnavailable as exc:
                raise CommandError(f"Redis for {'+'.join(roles)} unreachable: {exc}") from exc
            if verbosity >= 1:
                self._print(report)
        if verbosity >= 1:
            self._print_registry(chosen, options["user"])

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

    def _print_registry(self, chosen: list[CacheFamily], user_id: int | None) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING("Cache families (registry)"))
        for family in chosen:
            events = ", ".join(family.invalidated_by) or "-"
            warm = "warmable" if family.warmable else "not warmable"
            self.stdout.write(
                f"  {family.name}: {family.scope}, TTL {_seconds(family.ttl)}, invalidated by {events}, "
                f"{warm}, {_family_keys(family)} keys  {family.description}"
            )
            if user_id is not None and family.per_user:
                generation, live = _user_entries(family, user_id)
                self.stdout.write(f"    user {user_id}: generation {generation}, {live} live entries")

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


def _family_keys(family: CacheFamily) -> int:
    """How many keys (entries and generation counters) ``family`` has on the cache role (SCAN)."""
    if not is_redis_backed("cache"):
        return 0
    pattern = keys.family_cache_pattern(family.name)
    return sum(1 for _ in get_client("cache").scan_iter(match=pattern, count=SCAN_BATCH))


def _user_entries(family: CacheFamily, user_id: int) -> tuple[int, int]:
    """``family``'s current generation for ``user_id`` and how many entries exist at it (SCAN)."""
    generation = family.generation(user_id)
    if not is_redis_backed("cache"):
        return generation, 0
    pattern = cache_for("cache").make_key(keys.family_entry_cache_key(family.name, user_id, generation, ()))
    live = sum(1 for _ in get_client("cache").scan_iter(match=f"{pattern}*", count=SCAN_BATCH))
    return generation, live
