"""Everything the Redis page shows, read without changing anything.

- Per role: a live reading through the monitoring sampler's own code (``take_sample``: the ``monitor``
  URL, the previous stored sample for the rates, ``alerts_for`` for OK/WARN), so the page and the
  sampler can never disagree about a threshold; and the role's series of the last day for the charts.
- Per cache family (the registry), sessions and rate-limit buckets: key counts from a bounded SCAN of
  each server (``KEY_SCAN_LIMIT`` keys examined at most). A SCAN that stopped early gives estimates
  (counts scaled by DBSIZE over the keys examined), shown as "about N".

A server that does not answer makes its part "unavailable"; nothing here raises ``RedisError``.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import redis
from django.conf import settings

from core.monitoring import sampler, series
from core.redis import families, keys
from core.redis.client import cache_for, get_client
from core.redis.errors import RedisUnavailable
from core.redis.keyspace import key_family, role_servers
from core.redis_admin import charts, figures

KEY_SCAN_LIMIT = 20_000  # keys examined per server for the counts (about 20 SCAN round trips)
KEY_SCAN_BATCH = 1_000  # SCAN COUNT hint
ENTRY_SCAN_LIMIT = 2_000_000  # keys examined looking for one user's entries (invalidation's clean-up)
DAY_SECONDS = series.RETENTION_SECONDS
RATE_LIMIT_FAMILY = "rl"  # key_family() of both the policies' buckets and django-ratelimit's counters


@dataclass
class RolePanel:
    """One Redis role: its live figures (or why not), this process's pool, and its charts."""

    role: str
    url_role: str = ""  # the role whose server this one shares (sampled once, under that role)
    available: bool = False
    error: str = ""
    alerts: tuple[str, ...] = ()
    rows: list[figures.Row] = field(default_factory=list)
    charts: list[charts.Pair] = field(default_factory=list)
    charts_error: str = ""
    samples_last_hour: int = 0
    samples_last_day: int = 0


@dataclass(frozen=True)
class KeyCount:
    """How many keys one family (or kind of key) has; ``exact`` False when the SCAN was capped."""

    name: str
    count: int
    exact: bool
    scope: str = ""
    ttl: int | None = None
    description: str = ""

    @property
    def shown(self) -> str:
        return f"{self.count}" if self.exact else f"about {self.count}"


@dataclass
class KeyCounts:
    """The cache families' key counts, the sessions' and the rate-limit buckets'."""

    families: list[KeyCount] = field(default_factory=list)
    sessions: KeyCount | None = None
    rate_limits: KeyCount | None = None
    scans: list[str] = field(default_factory=list)  # one line per server: what was examined
    error: str = ""


@dataclass
class Overview:
    roles: list[RolePanel]
    keys: KeyCounts


def _panel(role: str, url: str, now: float) -> RolePanel:
    panel = RolePanel(role)
    try:
        day = series.since(role, now - DAY_SECONDS)
    except RedisUnavailable as exc:
        day = []
        panel.charts_error = f"unavailable: the state server keeps the series ({type(exc).__name__})"
    stored = day[-1] if day else None
    reading = sampler.take_sample(role, url, now, stored)
    panel.available, panel.alerts = reading.reachable, reading.alerts
    if not reading.reachable:
        panel.error = f"unavailable ({reading.error})"
    else:
        panel.rows = figures.rows(reading, stored)
    hour = [s for s in day if s.at >= now - charts.HOUR_SECONDS]
    panel.samples_last_hour, panel.samples_last_day = len(hour), len(day)
    if not panel.charts_error:
        panel.charts = charts.pairs(day, now)
    return panel


def role_panels(now: float | None = None) -> list[RolePanel]:
    """Every Redis role of ``settings.REDIS_ROLES``: sampled ones read live, the others explained."""
    now = time.time() if now is None else now
    urls: dict[str, str] = settings.REDIS_MONITOR_URLS
    panels = []
    roles = settings.REDIS_ROLES
    for role, config in roles.items():
        if role in urls:
            panels.append(_panel(role, urls[role], now))
            continue
        shared = next((other for other in urls if roles[other].url == config.url), "")
        error = "" if shared else "not sampled (behind Sentinel without REDIS_<ROLE>_MONITOR_URL)"
        panels.append(RolePanel(role, url_role=shared, error=error))
    return panels


def _bounded_scan(client: redis.Redis, limit: int, match: str | None = None) -> tuple[list[bytes], bool]:
    """SCAN (``match``: a precise pattern) until the cursor is back at 0, or ``limit`` keys were
    examined (SCAN calls times ``KEY_SCAN_BATCH``); returns the keys found and whether it finished."""
    found: list[bytes] = []
    cursor, calls = 0, 0
    while True:
        cursor, batch = client.scan(cursor, match=match, count=KEY_SCAN_BATCH)
        calls += 1
        found.extend(k if isinstance(k, bytes) else k.encode() for k in batch)
        if cursor == 0 or calls * KEY_SCAN_BATCH >= limit:
            return list(dict.fromkeys(found)), cursor == 0


def _family(key: bytes) -> str | None:
    return key_family(key.decode("utf-8", "replace"), str(settings.REDIS_KEY_PREFIX))


def key_counts() -> KeyCounts:
    """Key counts per registered family (cache role), sessions and rate-limit buckets (state role)."""
    result = KeyCounts()
    by_role: dict[str, tuple[Counter[str], bool]] = {}
    try:
        for roles, client in role_servers(("cache", "state")):
            found, complete = _bounded_scan(client, KEY_SCAN_LIMIT)
            counts = Counter(_family(key) or "" for key in found)
            if not complete:
                size = int(client.dbsize())
                counts = Counter({name: round(n * size / len(found)) for name, n in counts.items()})
                result.scans.append(f"{' and '.join(roles)}: {len(found)} of {size} keys examined")
            else:
                result.scans.append(f"{' and '.join(roles)}: all {len(found)} keys examined")
            for role in roles:
                by_role[role] = (counts, complete)
    except RedisUnavailable as exc:
        result.error = f"unavailable ({type(exc).__name__})"
        return result
    if "cache" in by_role:
        counts, complete = by_role["cache"]
        result.families = [
            KeyCount(f.name, counts[f.name], complete, f.scope, f.ttl, f.description)
            for f in families.families()
        ]
    if "state" in by_role:
        counts, complete = by_role["state"]
        session = _family(cache_for("state").make_key(keys.session_cache_prefix()).encode())
        result.sessions = KeyCount("sessions", counts[session or ""], complete)
        result.rate_limits = KeyCount("rate-limit buckets", counts[RATE_LIMIT_FAMILY], complete)
    return result


def overview(now: float | None = None) -> Overview:
    """The whole page: every role's panel and the key counts."""
    return Overview(role_panels(now), key_counts())


def user_entries(user_id: int) -> tuple[list[tuple[str, bytes]], bool]:
    """``user_id``'s entries (any generation) of every per-user family, as (family, raw key), from one
    SCAN of the cache server with the user's precise pattern (at most ``ENTRY_SCAN_LIMIT`` keys
    examined); and whether that SCAN went through the whole keyspace. Raises ``RedisUnavailable``."""
    per_user = {f.name for f in families.families() if f.per_user}
    pattern = cache_for("cache").make_key(keys.user_entries_cache_pattern(user_id))
    found, complete = _bounded_scan(get_client("cache"), ENTRY_SCAN_LIMIT, pattern)
    return [(family, key) for key in found if (family := _family(key)) in per_user], complete
