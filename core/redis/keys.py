"""Every raw Redis key and every Channels group name, one documented function each.

Raw keys start with ``settings.REDIS_KEY_PREFIX`` (``tk`` in production; tests use a fresh prefix
per test). Keys handed to Django's cache API (``*_cache_key``) omit it, because django-redis adds
``<prefix>:<version>:`` itself. ``{...}`` is a Cluster hash tag: keys a script touches together
share one. User-supplied text is hashed, never embedded.
"""

from __future__ import annotations

import hashlib

from django.conf import settings


def _prefix() -> str:
    return str(settings.REDIS_KEY_PREFIX)


def digest(text: str) -> str:
    """A short, stable, key-safe digest of arbitrary text (user input never enters keys raw)."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


# --- cache role (via django.core.cache, prefix added by django-redis) ---------------------------


def user_profile_cache_key(user_id: int) -> str:
    """Cached public profile of a user: ``u:{uid}:profile``."""
    return f"u:{user_id}:profile"


def generation_cache_key(name: str, user_id: int) -> str:
    """Generation counter of one cached family for one user: ``gen:<name>:{u:<uid>}``.

    The ``{u:<uid>}`` hash tag puts the counter in the same Cluster slot as the user's entries that
    embed it (``search_cache_key``), so one script can read both (core.redis.generational).
    """
    return f"gen:{name}:{{u:{user_id}}}"


def search_cache_key(user_id: int, generation: int | str, query_digest: str) -> str:
    """Cached search results: ``search:{u:<uid>}:g<gen>:<sha1(query+filters)>``.

    Same hash tag as the user's generation counter. ``generation`` is the counter's value, or a
    placeholder that core.redis.generational replaces inside its script.
    """
    return f"search:{{u:{user_id}}}:g{generation}:{query_digest}"


def dashboard_cache_key(user_id: int, range_name: str, generation: int | str) -> str:
    """Cached dashboard aggregates: ``analytics:{u:<uid>}:dashboard:<range>:g<gen>``.

    Same hash tag as the user's generation counter, for core.redis.generational (see search).
    """
    return f"analytics:{{u:{user_id}}}:dashboard:{range_name}:g{generation}"


# --- state role (raw client) -------------------------------------------------------------------


def user_sessions_index(user_id: int) -> str:
    """Sorted set of a user's session keys, scored by expiry: ``tk:{u:uid}:sessions``."""
    return f"{_prefix()}:{{u:{user_id}}}:sessions"


def rate_limit(policy: str, identity: str, part: str = "count") -> str:
    """One rate-limit bucket: ``tk:rl:{policy:sha1(identity)}:part``.

    ``part`` names the algorithm's structure: ``count`` (fixed-window counter, a string),
    ``log`` (sliding-window log, a sorted set) or ``tat`` (token bucket's full-again time, a string).
    The identity is ``user:<id>``, ``ip:<address>`` or ``account:<login, lowercased>``.
    """
    return f"{_prefix()}:rl:{{{policy}:{digest(identity)}}}:{part}"


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
