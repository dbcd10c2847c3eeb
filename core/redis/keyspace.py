"""SCAN-based statistics of this deployment's keys per key family (``manage.py cache_inspect``).

A key's family is the segment after the prefix, and after the ``<version>:`` that django-redis puts
in front of keys written through the cache API: ``u``, ``gen``, ``search``, ``analytics``, ``rl``...
A leading hash tag keeps its braces without the id (``tk:{u:7}:sessions`` is ``{u}``), and Django's
session keys, which glue the session id to their prefix, group under that prefix. Only SCAN is used,
never KEYS; TTLs are read in one pipelined round trip per SCAN batch and MEMORY USAGE for a small
sample per family, so the report's memory figure is an estimate (sample average times count).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from django.conf import settings
from django.contrib.sessions.backends import cache as cache_sessions
from django.contrib.sessions.backends import cached_db as cached_db_sessions

from core.redis import keys
from core.redis.client import Role, get_client, is_redis_backed

GLUED_PREFIXES = (cached_db_sessions.KEY_PREFIX, cache_sessions.KEY_PREFIX)
SCAN_BATCH = 1000
DEFAULT_LIMIT = 100_000
DEFAULT_SAMPLE = 5
_FIRST_SEGMENT = re.compile(r"[^:{}]*")


def key_family(key: str, prefix: str) -> str | None:
    """The family of raw key ``key``, or None when it is not under ``prefix``."""
    if not key.startswith(f"{prefix}:"):
        return None
    rest = key[len(prefix) + 1 :]
    version, _, after = rest.partition(":")
    if version.isdigit() and after:
        rest = after
    if rest.startswith("{"):
        return "{" + str(_FIRST_SEGMENT.match(rest[1:]).group()) + "}"  # type: ignore[union-attr]
    for glued in GLUED_PREFIXES:
        if rest.startswith(glued):
            return glued
    return str(_FIRST_SEGMENT.match(rest).group())  # type: ignore[union-attr]


@dataclass
class FamilyStats:
    """Counts, TTLs and sampled memory of one key family."""

    family: str
    example: str
    count: int = 0
    persistent: int = 0  # keys without an expiry
    ttl_min: float | None = None
    ttl_max: float | None = None
    ttl_total: float = 0.0
    sample: list[bytes] = field(default_factory=list)
    sample_bytes: int | None = None

    def add(self, key: bytes, pttl_ms: int, sample_size: int) -> None:
        self.count += 1
        if len(self.sample) < sample_size:
            self.sample.append(key)
        if pttl_ms < 0:  # -1: no expiry (-2, gone since SCAN, counts as none too)
            self.persistent += 1
            return
        seconds = pttl_ms / 1000
        self.ttl_total += seconds
        self.ttl_min = seconds if self.ttl_min is None else min(self.ttl_min, seconds)
        self.ttl_max = seconds if self.ttl_max is None else max(self.ttl_max, seconds)

    @property
    def ttl_avg(self) -> float | None:
        expiring = self.count - self.persistent
        return self.ttl_total / expiring if expiring else None

    @property
    def estimated_bytes(self) -> int | None:
        if self.sample_bytes is None or not self.sample:
            return None
        return round(self.sample_bytes / len(self.sample) * self.count)


@dataclass
class KeyspaceReport:
    """What one SCAN over one server found."""

    server: str
    roles: list[str]
    pattern: str
    scanned: int = 0
    truncated: bool = False
    families: dict[str, FamilyStats] = field(default_factory=dict)


def role_servers(roles: tuple[Role, ...] = ("cache", "state")) -> list[tuple[list[str], redis.Redis]]:
    """The distinct Redis servers behind ``roles`` (roles sharing a server are scanned once)."""
    servers: dict[tuple[object, ...], tuple[list[str], redis.Redis]] = {}
    for role in roles:
        if not is_redis_backed(role):
            continue
        client = get_client(role)
        kwargs = client.connection_pool.connection_kwargs
        identity = (kwargs.get("host"), kwargs.get("port"), kwargs.get("path"), kwargs.get("db", 0))
        servers.setdefault(identity, ([], client))[0].append(role)
    return list(servers.values())


def server_label(client: redis.Redis) -> str:
    """``host:port/db`` (or ``socket/db``) of a client, for reports."""
    kwargs = client.connection_pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    return f"{where}/{kwargs.get('db', 0)}"


def scan_keyspace(
    client: redis.Redis,
    roles: list[str],
    *,
    glob: str = "*",
    limit: int = DEFAULT_LIMIT,
    sample_size: int = DEFAULT_SAMPLE,
    batch: int = SCAN_BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> KeyspaceReport:
    """SCAN the keys matching ``keys.key_pattern(glob)`` (at most ``limit``) and group them by family."""
    prefix = str(settings.REDIS_KEY_PREFIX)
    report = KeyspaceReport(server=server_label(client), roles=roles, pattern=keys.key_pattern(glob))
    seen: set[bytes] = set()
    cursor = 0
    while True:
        cursor, found = client.scan(cursor, match=report.pattern, count=batch)
        found_bytes = [k if isinstance(k, bytes) else k.encode() for k in found]
        fresh = [k for k in dict.fromkeys(found_bytes) if k not in seen][: max(0, limit - len(seen))]
        seen.update(fresh)
        _count_batch(client, report, prefix, fresh, sample_size)
        report.scanned = len(seen)
        if on_batch is not None and fresh:
            on_batch(report.scanned)
        if len(seen) >= limit and cursor != 0:
            report.truncated = True
            break
        if cursor == 0:
            break
    _measure_samples(client, report)
    return report


def _count_batch(
    client: redis.Redis, report: KeyspaceReport, prefix: str, batch: list[bytes], sample_size: int
) -> None:
    if not batch:
        return
    pipe = client.pipeline(transaction=False)
    for key in batch:
        pipe.pttl(key)
    for key, pttl in zip(batch, pipe.execute(), strict=True):
        text = key.decode("utf-8", errors="replace")
        family = key_family(text, prefix) or "?"
        stats = report.families.setdefault(family, FamilyStats(family=family, example=text))
        stats.add(key, int(pttl), sample_size)


def _measure_samples(client: redis.Redis, report: KeyspaceReport) -> None:
    families = [f for f in report.families.values() if f.sample]
    if not families:
        return
    pipe = client.pipeline(transaction=False)
    for stats in families:
        for key in stats.sample:
            pipe.memory_usage(key)
    try:
        results = iter(pipe.execute())
    except redis.ResponseError:
        return  # MEMORY denied by the ACL: the report goes without memory figures
    for stats in families:
        sizes = [next(results) for _ in stats.sample]
        stats.sample_bytes = sum(int(size or 0) for size in sizes)
