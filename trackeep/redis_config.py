"""Turn Trackeep's Redis environment variables into per-role connection settings.

Three roles (cache, state, channels; see docs/architecture.md) each get a URL. A role's own
``REDIS_<ROLE>_URL`` wins, then ``REDIS_URL``, then a URL assembled from the seed's variables
(``REDIS_ADDR``, ``REDIS_USERNAME``, ``REDIS_PASSWORD``, ``REDIS_DB``). ``rediss://`` selects TLS and
a username in the URL selects an ACL user. ``REDIS_SENTINELS`` switches every role to Sentinel
discovery: each role asks for the master named by ``REDIS_<ROLE>_SENTINEL_MASTER``, else
``REDIS_SENTINEL_MASTER`` (so cache and state can stay separate instances), keeping the role URL's
credentials and DB number. The job queue (django-rq) gets its own connection settings on a role.
Kept free of Django imports so settings can use it.

Pools (seed section 5.3): a request that finds all ``REDIS_POOL_SIZE`` connections busy waits up to
``REDIS_POOL_TIMEOUT`` for one; idle connections are PINGed before use after
``REDIS_HEALTH_CHECK_INTERVAL``; a connection older than ``REDIS_MAX_CONN_AGE`` is replaced.

The channel layer's connections spend most of their life inside channels-redis's blocking
``BZPOPMIN`` (``RedisChannelLayer.brpop_timeout`` seconds, again and again, while a socket is idle),
so their socket timeout is that wait plus the normal read timeout. A socket timeout at or below the
wait (redis-py 8's default is 5 s, the same as the wait) aborts a healthy idle receive and kills
every WebSocket consumer every few seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import environ
from channels_redis.core import RedisChannelLayer

ROLES = ("cache", "state", "channels")
_DURATION = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Parse ``"500ms"``, ``"3s"``, ``"1m"``, ``"1h"`` or a bare number of seconds into seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 500ms, 3s, 1m or 1.5)")
    return float(match["value"]) * _UNIT_SECONDS[match["unit"]]


def _duration(env: environ.Env, name: str, default: str) -> float:
    """The duration in environment variable ``name``; the variable is named in the error."""
    try:
        return parse_duration(env.str(name, default=default))
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


@dataclass(frozen=True)
class RedisRole:
    """Connection settings of one Redis role."""

    name: str
    url: str
    pool_size: int
    connect_timeout: float
    read_timeout: float
    pool_timeout: float = 5.0  # wait for a free connection before ConnectionError
    health_check_interval: float = 30.0  # PING a connection idle longer than this before use; 0: off
    max_connection_age: float = 3600.0  # replace older connections when returned; 0: never
    sentinels: tuple[tuple[str, int], ...] = ()
    sentinel_master: str = ""


def _assembled_url(env: environ.Env) -> str:
    addr = env.str("REDIS_ADDR", default="127.0.0.1:6379")
    username = env.str("REDIS_USERNAME", default="")
    password = env.str("REDIS_PASSWORD", default="")
    db = env.int("REDIS_DB", default=0)
    auth = ""
    if username or password:
        auth = f"{quote(username, safe='')}:{quote(password, safe='')}@"
    return f"redis://{auth}{addr}/{db}"


def _sentinels(env: environ.Env) -> tuple[tuple[str, int], ...]:
    hosts = []
    for item in env.list("REDIS_SENTINELS", default=[]):
        host, _, port = item.strip().rpartition(":")
        hosts.append((host or item, int(port) if host else 26379))
    return tuple(hosts)


def role_settings(env: environ.Env, role: str) -> RedisRole:
    """Resolve the connection settings for ``role`` (one of ``ROLES``)."""
    if role not in ROLES:
        raise ValueError(f"unknown Redis role {role!r}")
    url = env.str(f"REDIS_{role.upper()}_URL", default="") or env.str("REDIS_URL", default="")
    # Read and write timeouts are one socket timeout in redis-py; the longer of the two applies.
    read_timeout = max(
        _duration(env, "REDIS_READ_TIMEOUT", "1s"), _duration(env, "REDIS_WRITE_TIMEOUT", "1s")
    )
    pool_size = env.int("REDIS_POOL_SIZE", default=20)
    if pool_size < 1:
        raise ValueError(f"REDIS_POOL_SIZE must be at least 1, not {pool_size}")
    return RedisRole(
        name=role,
        url=url or _assembled_url(env),
        pool_size=pool_size,
        connect_timeout=_duration(env, "REDIS_DIAL_TIMEOUT", "1s"),
        read_timeout=read_timeout,
        pool_timeout=_duration(env, "REDIS_POOL_TIMEOUT", "5s"),
        health_check_interval=_duration(env, "REDIS_HEALTH_CHECK_INTERVAL", "30s"),
        max_connection_age=_duration(env, "REDIS_MAX_CONN_AGE", "1h"),
        sentinels=_sentinels(env),
        sentinel_master=env.str(f"REDIS_{role.upper()}_SENTINEL_MASTER", default="")
        or env.str("REDIS_SENTINEL_MASTER", default="mymaster"),
    )


def monitor_urls(env: environ.Env, roles: dict[str, RedisRole]) -> dict[str, str]:
    """Per role, the URL the monitoring sampler (core.monitoring) connects with.

    ``REDIS_<ROLE>_MONITOR_URL`` names the read-only ``monitor`` ACL user of the shipped compose file;
    without it the role's own URL is used (development: one unrestricted user). A role behind Sentinel
    is sampled only with an explicit monitor URL (the sampler talks to one server, not to a master
    name). A server already sampled under another role (channels on the state instance) is not
    sampled twice.
    """
    urls: dict[str, str] = {}
    for role, config in roles.items():
        url = env.str(f"REDIS_{role.upper()}_MONITOR_URL", default="")
        if not url and not config.sentinels:
            url = config.url
        if url and url not in urls.values():
            urls[role] = url
    return urls


def django_redis_cache(
    role: RedisRole, *, key_prefix: str, ignore_exceptions: bool, timeout: int
) -> dict[str, object]:
    """A ``CACHES`` entry for django-redis on ``role``, with the circuit-breaking connections."""
    options: dict[str, object] = {
        "CLIENT_CLASS": "core.redis.cache_clients.CacheClient",
        "SERIALIZER": "core.redis.serializers.CacheSerializer",
        "COMPRESSOR": "core.redis.serializers.ThresholdZlibCompressor",
        "SOCKET_CONNECT_TIMEOUT": role.connect_timeout,
        "SOCKET_TIMEOUT": role.read_timeout,
        "CONNECTION_POOL_CLASS": "core.redis.pool.TrackeepConnectionPool",
        "CONNECTION_POOL_KWARGS": {
            "max_connections": role.pool_size,
            "timeout": role.pool_timeout,
            "health_check_interval": role.health_check_interval,
            "max_connection_age": role.max_connection_age,
        },
        "IGNORE_EXCEPTIONS": ignore_exceptions,
    }
    location = role.url
    if role.sentinels:
        options["CLIENT_CLASS"] = "core.redis.cache_clients.SentinelCacheClient"
        options["CONNECTION_FACTORY"] = "django_redis.pool.SentinelConnectionFactory"
        options["SENTINELS"] = list(role.sentinels)
        # redis-py's SentinelConnectionPool: no breaker, no blocking wait; these kwargs also reach the
        # connections to the sentinels themselves, so only ones every redis-py connection accepts.
        options.pop("CONNECTION_POOL_CLASS")
        options["CONNECTION_POOL_KWARGS"] = {
            "max_connections": role.pool_size,
            "health_check_interval": role.health_check_interval,
        }
        parts = urlsplit(role.url)
        credentials = parts.netloc.rpartition("@")[0]
        location = urlunsplit(
            (
                parts.scheme,
                f"{credentials}@{role.sentinel_master}" if credentials else role.sentinel_master,
                parts.path or "/0",
                "",
                "",
            )
        )
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": timeout,
        "OPTIONS": options,
    }


def channel_layer_socket_timeout(role: RedisRole) -> float:
    """The channel layer's socket timeout: its blocking receive plus the normal read timeout."""
    return float(RedisChannelLayer.brpop_timeout) + role.read_timeout


CHANNEL_LAYER_BACKENDS = {
    # channels-redis' pub/sub layer (PUBLISH to a group, one SUBSCRIBE per group and process).
    "pubsub": "core.redis.channels.TrackeepPubSubChannelLayer",
    # channels-redis' list layer (group members in sorted sets, a message list per process).
    "lists": "core.redis.channels.TrackeepChannelLayer",
}


def channel_layer(role: RedisRole, *, prefix: str, kind: str = "pubsub") -> dict[str, object]:
    """A ``CHANNEL_LAYERS`` entry using channels-redis on ``role``; ``kind`` picks the layer
    (``CHANNEL_LAYER_BACKENDS``; docs/messaging.md, "Which channel layer")."""
    if kind not in CHANNEL_LAYER_BACKENDS:
        raise ValueError(f"CHANNEL_LAYER must be one of {sorted(CHANNEL_LAYER_BACKENDS)}, not {kind!r}")
    # Keyword arguments of the layer's redis.asyncio connection pool (one per host and event loop).
    connection: dict[str, object] = {
        "socket_timeout": channel_layer_socket_timeout(role),
        "socket_connect_timeout": role.connect_timeout,
        "socket_keepalive": True,  # a peer that vanished is noticed even while a receive blocks
        "health_check_interval": role.health_check_interval,
    }
    host: dict[str, object] = {"address": role.url, **connection}
    if role.sentinels:
        parts = urlsplit(role.url)
        host = {
            "sentinels": list(role.sentinels),
            "master_name": role.sentinel_master,
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            **connection,
        }
    return {
        "BACKEND": CHANNEL_LAYER_BACKENDS[kind],
        "CONFIG": {
            "hosts": [host],
            "prefix": f"{prefix}:ch",
            "capacity": 200,
            "expiry": 60,
            # Open sockets join their groups again every quarter of this (messaging.upkeep); a
            # membership older than that belongs to a socket that is gone.
            "group_expiry": 3600,
        },
    }


def rq_connection(role: RedisRole) -> dict[str, object]:
    """The connection part of an ``RQ_QUEUES`` entry (django-rq) on ``role``.

    The job queue has connections of its own, not django-redis's pool: an RQ worker raises its
    connection's socket timeout above its blocking dequeue, which must not reach the cache clients.
    Processes that only enqueue keep the role's short timeouts.
    """
    parts = urlsplit(role.url)
    if role.sentinels:
        return {
            "SENTINELS": list(role.sentinels),
            "MASTER_NAME": role.sentinel_master,
            "DB": int(parts.path.strip("/") or 0),
            "USERNAME": unquote(parts.username) if parts.username else None,
            "PASSWORD": unquote(parts.password) if parts.password else None,
            "SOCKET_TIMEOUT": role.read_timeout,
            "CONNECTION_KWARGS": {"socket_connect_timeout": role.connect_timeout},
        }
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_timeout", str(role.read_timeout))
    query.setdefault("socket_connect_timeout", str(role.connect_timeout))
    return {"URL": urlunsplit(parts._replace(query=urlencode(query)))}
