"""Turn Trackeep's Redis environment variables into per-role connection settings.

Three roles (cache, state, channels; see docs/architecture.md) each get a URL. A role's own
``REDIS_<ROLE>_URL`` wins, then ``REDIS_URL``, then a URL assembled from the seed's variables
(``REDIS_ADDR``, ``REDIS_USERNAME``, ``REDIS_PASSWORD``, ``REDIS_DB``). ``rediss://`` selects TLS and
a username in the URL selects an ACL user. ``REDIS_SENTINELS`` switches every role to Sentinel
discovery: each role asks for the master named by ``REDIS_<ROLE>_SENTINEL_MASTER``, else
``REDIS_SENTINEL_MASTER`` (so cache and state can stay separate instances), keeping the role URL's
credentials and DB number. The job queue (django-rq) gets its own connection settings on a role.
Kept free of Django imports so settings can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import environ

ROLES = ("cache", "state", "channels")
_DURATION = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Parse ``"500ms"``, ``"3s"``, ``"1m"`` or a bare number of seconds into seconds."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 500ms, 3s or 1.5)")
    return float(match["value"]) * _UNIT_SECONDS[match["unit"]]


@dataclass(frozen=True)
class RedisRole:
    """Connection settings of one Redis role."""

    name: str
    url: str
    pool_size: int
    connect_timeout: float
    read_timeout: float
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
        parse_duration(env.str("REDIS_READ_TIMEOUT", default="1s")),
        parse_duration(env.str("REDIS_WRITE_TIMEOUT", default="1s")),
    )
    return RedisRole(
        name=role,
        url=url or _assembled_url(env),
        pool_size=env.int("REDIS_POOL_SIZE", default=20),
        connect_timeout=parse_duration(env.str("REDIS_DIAL_TIMEOUT", default="1s")),
        read_timeout=read_timeout,
        sentinels=_sentinels(env),
        sentinel_master=env.str(f"REDIS_{role.upper()}_SENTINEL_MASTER", default="")
        or env.str("REDIS_SENTINEL_MASTER", default="mymaster"),
    )


def django_redis_cache(
    role: RedisRole, *, key_prefix: str, ignore_exceptions: bool, timeout: int
) -> dict[str, object]:
    """A ``CACHES`` entry for django-redis on ``role``, with the circuit-breaking connections."""
    options: dict[str, object] = {
        "CLIENT_CLASS": "django_redis.client.DefaultClient",
        "SERIALIZER": "core.redis.serializers.MsgpackSerializer",
        "COMPRESSOR": "core.redis.serializers.ThresholdZlibCompressor",
        "SOCKET_CONNECT_TIMEOUT": role.connect_timeout,
        "SOCKET_TIMEOUT": role.read_timeout,
        "CONNECTION_POOL_CLASS": "core.redis.breaker.BreakerConnectionPool",
        "CONNECTION_POOL_KWARGS": {"max_connections": role.pool_size},
        "IGNORE_EXCEPTIONS": ignore_exceptions,
    }
    location = role.url
    if role.sentinels:
        options["CLIENT_CLASS"] = "django_redis.client.SentinelClient"
        options["CONNECTION_FACTORY"] = "django_redis.pool.SentinelConnectionFactory"
        options["SENTINELS"] = list(role.sentinels)
        options.pop("CONNECTION_POOL_CLASS")
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


def channel_layer(role: RedisRole, *, prefix: str) -> dict[str, object]:
    """A ``CHANNEL_LAYERS`` entry using channels-redis on ``role``."""
    host: object = {"address": role.url}
    if role.sentinels:
        parts = urlsplit(role.url)
        host = {
            "sentinels": list(role.sentinels),
            "master_name": role.sentinel_master,
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
        }
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [host],
            "prefix": f"{prefix}:ch",
            "capacity": 200,
            "expiry": 60,
            # Sockets re-join their groups on connect; a day-old membership is a leak, not a feature.
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
