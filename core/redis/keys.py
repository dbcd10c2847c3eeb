"""Every raw Redis key and every Channels group name, one documented function each.

Raw keys start with ``settings.REDIS_KEY_PREFIX`` (``tk`` in production; tests use a fresh prefix
per test). Keys handed to Django's cache API (``*_cache_key``) omit it, because django-redis adds
``<prefix>:<version>:`` itself. ``{...}`` is a Cluster hash tag: keys a script touches together
share one. User-supplied text is hashed, never embedded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from django.conf import settings


def _prefix() -> str:
    return str(settings.REDIS_KEY_PREFIX)


def digest(text: str) -> str:
    """A short, stable, key-safe digest of arbitrary text (user input never enters keys raw)."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


# --- cache role (via django.core.cache, prefix added by django-redis) ---------------------------


_SAFE_PART = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def family_name_is_valid(name: str) -> bool:
    """A family name is the first segment of its keys: short, lowercase, key-safe."""
    return re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name) is not None


def family_tag(family: str, user_id: int | None) -> str:
    """Cluster hash tag of one cache family's scope: ``{u:<uid>}`` per user, ``{f:<family>}`` global.

    A family's counter and entries (and the entries' fill locks) share it, so one script reads them
    together on one Cluster node (``core.redis.cache_aside``).
    """
    return f"{{u:{user_id}}}" if user_id is not None else f"{{f:{family}}}"


def generation_cache_key(family: str, user_id: int | None) -> str:
    """Generation counter of a cache family (per user, or global when ``user_id`` is None):
    ``gen:<family>:{u:<uid>}`` or ``gen:<family>:{f:<family>}``."""
    return f"gen:{family}:{family_tag(family, user_id)}"


def family_entry_cache_key(
    family: str, user_id: int | None, generation: int | str, parts: Sequence[str]
) -> str:
    """One cached value of a family: ``<family>:{u:<uid>}:g<gen>[:<part>...]``.

    ``parts`` tell a family's entries apart (a range name, a page number, a digest of a query).
    A part that is not short and key-safe is replaced by its digest, so user input never enters a
    key raw. ``generation`` is the counter's value, or a placeholder that core.redis.cache_aside
    replaces inside its script.
    """
    safe = (part if _SAFE_PART.fullmatch(part) else digest(part) for part in parts)
    return ":".join([f"{family}:{family_tag(family, user_id)}:g{generation}", *safe])


def family_cache_pattern(family: str) -> str:
    """SCAN pattern over a family's entries and counters on the cache role (inspection only)."""
    return f"{_prefix()}:*:{family}:{{*"


def user_entries_cache_pattern(user_id: int) -> str:
    """SCAN pattern (a cache key) over one user's entries of every family: ``*:{u:<uid>}:g*``. The
    family is the key's first segment; callers keep the keys of the families they mean."""
    return f"*:{family_tag('', user_id)}:g*"


def session_cache_prefix() -> str:
    """What precedes a session key in its cache key: ``tk:1:s:<key>`` (Django's default prefix,
    ``django.contrib.sessions.cached_db``, would cost 33 bytes in every session's key)."""
    return "s:"


# --- state role (raw client) -------------------------------------------------------------------


def user_sessions_index(user_id: int) -> str:
    """Sorted set of a user's session keys, scored by expiry: ``tk:{u:uid}:sessions``."""
    return f"{_prefix()}:{{u:{user_id}}}:sessions"


def rate_limit(policy: str, identity: str, part: str = "count") -> str:
    """One rate-limit bucket: ``tk:rl:{policy:sha1(identity)}:part``.

    ``part`` names the algorithm's structure: ``count`` (fixed-window counter, a string),
    ``log`` (sliding-window log, a sorted set), ``swc`` (sliding-window counter, a 12-byte string) or
    ``tat`` (token bucket's full-again time, a string).
    The identity is ``user:<id>``, ``ip:<address>`` or ``account:<login, lowercased>``.
    """
    return f"{_prefix()}:rl:{{{policy}:{digest(identity)}}}:{part}"


VIEW_RATE_LIMIT_PREFIX = "rl:view:"
"""django-ratelimit's per-view counters (``RATELIMIT_CACHE_PREFIX``, through the ``state`` cache alias):
``<prefix>:<version>:rl:view:<sha256(policy, rate, identity, window end)>``, an integer expiring 5 s
after its window. The library builds the rest from ``RATELIMIT_CACHE_PREFIX``, set from this constant."""


def rate_limit_pattern(policy: str = "*") -> str:
    """SCAN pattern over the buckets of one policy (maintenance commands only)."""
    return f"{_prefix()}:rl:{{{policy}:*"


def key_pattern(glob: str = "*") -> str:
    """SCAN pattern over this deployment's raw keys matching ``glob`` after the prefix
    (maintenance commands only; the cache role's keys continue with ``<version>:``)."""
    return f"{_prefix()}:{glob}"


def unread_counts(user_id: int) -> str:
    """Unread counts of one user: ``tk:u:{uid}:unread``, a hash.

    Fields: a conversation id maps to its unread message count, ``n`` to the unread notifications,
    and ``_`` marks a hash built from the database (a hash without it is treated as missing).
    """
    return f"{_prefix()}:u:{user_id}:unread"


def habit_day_counts(user_id: int, day_iso: str) -> str:
    """One user's habit check-in counts for one local day: ``tk:{u:uid}:habits:<YYYY-MM-DD>``, a hash.

    Fields: ``c:<habit id>`` the day's count, ``r:<habit id>`` the database row's revision it came
    from (a write never replaces a newer revision), ``_`` marks a hash built from the database.
    """
    return f"{_prefix()}:{{u:{user_id}}}:habits:{day_iso}"


def running_timer(user_id: int) -> str:
    """One user's running timer: ``tk:{u:uid}:timer``, a hash (``_`` marks it built from the
    database; ``entry``, ``started``, ``task``, ``label`` describe the running entry, absent when idle)."""
    return f"{_prefix()}:{{u:{user_id}}}:timer"


_STREAK_KIND = re.compile(r"[a-z][a-z0-9_]{0,31}")


def streak(user_id: int, kind: str) -> str:
    """One user's streak of ``kind`` (``learning``, ``habits``): ``tk:{u:uid}:streak:<kind>``, a hash
    with ``current``, ``max`` and ``last_date`` (the user's local date, ``YYYY-MM-DD``)."""
    if not _STREAK_KIND.fullmatch(kind):
        raise ValueError(f"invalid streak kind {kind!r}")
    return f"{_prefix()}:{{u:{user_id}}}:streak:{kind}"


# --- marketplace and community rankings (state role: sources of truth for reads, noeviction) ---
#
# Every marketplace key shares the ``{mkt}`` hash tag: ZUNIONSTORE reads 24 hour buckets into the
# trending set, and a rebuild RENAMEs a freshly built set over the live one, both of which need all
# their keys on one Cluster node. A leaderboard and its rebuild copy share ``{lb:<challenge id>}``.


def marketplace_views_bucket(hour: int) -> str:
    """Counted views per item in one clock hour (``hour`` = Unix time // 3600), a sorted set of item
    ids: ``tk:{mkt}:views:<hour>``; expires ``ttl.MARKETPLACE_VIEWS_BUCKET`` after its last view."""
    return f"{_prefix()}:{{mkt}}:views:{hour}"


def marketplace_views_seen(hour: int) -> str:
    """Who has already been counted in one hour: ``tk:{mkt}:seen:<hour>``, a set of
    ``<item id>:<viewer id>`` members, so one viewer's repeated views of an item count once an hour."""
    return f"{_prefix()}:{{mkt}}:seen:{hour}"


def marketplace_trending() -> str:
    """Views of the last 24 hour buckets per item (ZUNIONSTORE): ``tk:{mkt}:trending``."""
    return f"{_prefix()}:{{mkt}}:trending"


def marketplace_trending_built() -> str:
    """The minute the trending union was last built (a string): ``tk:{mkt}:trending:built``."""
    return f"{_prefix()}:{{mkt}}:trending:built"


def marketplace_top_rated() -> str:
    """Published items scored by their Bayesian average rating: ``tk:{mkt}:top_rated``."""
    return f"{_prefix()}:{{mkt}}:top_rated"


def marketplace_downloads() -> str:
    """Published items scored by their download count: ``tk:{mkt}:downloads``."""
    return f"{_prefix()}:{{mkt}}:downloads"


def marketplace_pattern() -> str:
    """SCAN pattern over every marketplace key (maintenance and tests)."""
    return f"{_prefix()}:{{mkt}}:*"


def challenge_leaderboard(challenge_id: int) -> str:
    """One challenge's participants scored by progress, earlier first on ties (community.scoring):
    ``tk:{lb:<id>}:board``, a sorted set of user ids."""
    return f"{_prefix()}:{{lb:{challenge_id}}}:board"


def leaderboard_pattern() -> str:
    """SCAN pattern over every challenge leaderboard (maintenance and tests)."""
    return f"{_prefix()}:{{lb:*}}:board"


def rebuild_copy(key: str, token: str) -> str:
    """Where a ranking is rebuilt before it is RENAMEd over ``key``: ``<key>:rebuild:<token>``
    (the same hash tag, so the RENAME stays on one Cluster node)."""
    return f"{key}:rebuild:{token}"


def periodic_run_claim(name: str, slot: int) -> str:
    """Claimed by the one scheduler that enqueues periodic job ``name`` for time slot ``slot``:
    ``tk:periodic:<name>:<slot>`` (``core.jobs.scheduler``; ``name`` is a registered job name)."""
    return f"{_prefix()}:periodic:{name}:{slot}"


# --- Channels groups (dots only: Channels rejects colons) --------------------------------------


def user_group(user_id: int) -> str:
    """Channels group of every socket of one user: ``user.{uid}``."""
    return f"user.{user_id}"


def conversation_group(conversation_id: int) -> str:
    """Channels group of one conversation: ``conversation.{id}``."""
    return f"conversation.{conversation_id}"


def channel_layer_marker(layer_prefix: str) -> str:
    """A token the channel layer keeps in its Redis: ``<layer prefix>:marker`` (``tk:ch:marker``).

    Its disappearance shows that the layer's groups are gone too (a flush, an empty restart), so
    sockets join theirs again (``core.redis.channels``).
    """
    return f"{layer_prefix}:marker"


def challenge_group(challenge_id: int) -> str:
    """Channels group of the sockets watching one challenge's leaderboard: ``challenge.{id}``."""
    return f"challenge.{challenge_id}"


def monitor_series(role: str) -> str:
    """One Redis role's monitoring time series: ``tk:mon:<role>:samples``, a sorted set of JSON samples
    scored by their Unix time (``core.monitoring.series``; trimmed to the last 24 h on every write)."""
    return f"{_prefix()}:mon:{role}:samples"


def audit_stream() -> str:
    """The audit log's stream, ``tk:audit``: one entry per security action, read by the consumer group
    ``keys.AUDIT_GROUP`` and moved to PostgreSQL (core.audit)."""
    return f"{_prefix()}:audit"


AUDIT_GROUP = "audit-db"
"""The consumer group that moves the audit stream into the database."""


# --- system events (core.system_events): a pub/sub channel on the state role ---------------------


def system_events_channel() -> str:
    """The pub/sub channel every process of this deployment listens on for system events
    (configuration changes, process-cache invalidation, triggers): ``<prefix>:sysevents``."""
    return f"{_prefix()}:sysevents"


def system_event_claim(event_id: str) -> str:
    """Who acted on one broadcast event that must be acted on once (``SET NX``), however many
    processes hear it: ``<prefix>:sysevents:claim:<event id>``."""
    return f"{_prefix()}:sysevents:claim:{digest(event_id)}"
