"""Turn Trackeep's Redis environment variables into per-role connection settings.

Three roles (cache, state, channels; see docs/architecture.md) each get a URL. A role's own
``REDIS_<ROLE>_URL`` wins, then ``REDIS_URL``, then a URL assembled from the seed's variables
(``REDIS_ADDR``, ``REDIS_USERNAME``, ``REDIS_PASSWORD``, ``REDIS_DB``). ``rediss://`` selects TLS and
a username in the URL selects an ACL user. ``REDIS_SENTINELS`` switches every role to Sentinel
discovery: each role asks for the master named by ``REDIS_<ROLE>_SENTINEL_MASTER``, else
``REDIS_SENTINEL_MASTER`` (so cache and state can stay separate instances); ``REDIS_SENTINEL_ROLES``
(default: all three) limits Sentinel to some roles, the others keep their URL (the compose
``sentinel`` profile leaves the cache on its own server). A role behind Sentinel keeps the role URL's
credentials and DB number, over connections that follow the primary when Sentinel replaces it
(``core.redis.sentinel``). The job queue (django-rq) gets its own connection settings on a role.
Kept free of Django imports so settings can use it.

TLS (docs/deployment.md, "TLS to Redis"): a ``rediss://`` URL makes every client of that role (the
django-redis aliases, the raw clients, the channel layer, the job queue, the monitoring sampler)
verify the server against ``REDIS_TLS_CA_FILE`` (else the system's CAs) and present
``REDIS_TLS_CERT_FILE``/``REDIS_TLS_KEY_FILE`` when set; ``REDIS_<ROLE>_TLS_*`` override them per role.
``REDIS_SENTINEL_TLS`` does the same for the connections to the Sentinels, with the global files.
The files are checked when settings load (``TlsConfigError`` names the variable); ``redis://`` URLs
get no TLS options at all.

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

import os
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import environ
from channels_redis.core import RedisChannelLayer

from core.redis.sentinel import (
    AsyncSentinelPrimaryConnection,
    AsyncSentinelPrimarySSLConnection,
    SentinelPrimaryConnection,
    SentinelPrimarySSLConnection,
)

ROLES = ("cache", "state", "channels")
# The breakers' default period (REDIS_BREAKER_RESET_SECONDS) when REDIS_SENTINELS is set: shorter than
# the usual 10 s, so writes resume about this long after Sentinel has promoted a replica.
SENTINEL_BREAKER_RESET_SECONDS = 2.0
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


class TlsConfigError(ValueError):
    """A ``REDIS_*TLS*`` setting names a file that is missing, unreadable or not what it should be."""


@dataclass(frozen=True)
class RedisTls:
    """The files a ``rediss://`` connection verifies the server with and authenticates itself with."""

    ca_file: str = ""  # PEM CA bundle; empty: the system's trusted CAs
    cert_file: str = ""  # PEM client certificate (may hold the key too); empty: none sent
    key_file: str = ""
    check_hostname: bool = True  # the server certificate must name the host in the URL

    def connection_kwargs(self) -> dict[str, object]:
        """redis-py's ``ssl_*`` keyword arguments (sync and asyncio connections take the same)."""
        kwargs: dict[str, object] = {"ssl_cert_reqs": "required", "ssl_check_hostname": self.check_hostname}
        if self.ca_file:
            kwargs["ssl_ca_certs"] = self.ca_file
        if self.cert_file:
            kwargs["ssl_certfile"] = self.cert_file
        if self.key_file:
            kwargs["ssl_keyfile"] = self.key_file
        return kwargs


def _readable(variable: str, path: str) -> None:
    if not os.path.isfile(path):
        raise TlsConfigError(f"{variable}={path}: no such file")
    if not os.access(path, os.R_OK):
        raise TlsConfigError(f"{variable}={path}: not readable by this process (uid {os.getuid()})")


def _tls(env: environ.Env, role: str | None) -> RedisTls:
    """The TLS files of ``role`` (None: the global ones, for the Sentinels), checked. A role's own
    CA replaces the global CA; a role's own client certificate comes with its own key, never the
    global one."""
    ca = ("REDIS_TLS_CA_FILE", env.str("REDIS_TLS_CA_FILE", default=""))
    cert = ("REDIS_TLS_CERT_FILE", env.str("REDIS_TLS_CERT_FILE", default=""))
    key = ("REDIS_TLS_KEY_FILE", env.str("REDIS_TLS_KEY_FILE", default=""))
    if role is not None:
        own_ca = (
            f"REDIS_{role.upper()}_TLS_CA_FILE",
            env.str(f"REDIS_{role.upper()}_TLS_CA_FILE", default=""),
        )
        own_cert = (
            f"REDIS_{role.upper()}_TLS_CERT_FILE",
            env.str(f"REDIS_{role.upper()}_TLS_CERT_FILE", default=""),
        )
        own_key = (
            f"REDIS_{role.upper()}_TLS_KEY_FILE",
            env.str(f"REDIS_{role.upper()}_TLS_KEY_FILE", default=""),
        )
        ca = own_ca if own_ca[1] else ca
        if own_cert[1] or own_key[1]:
            cert, key = own_cert, own_key
    _check_files(ca, cert, key)
    return RedisTls(ca[1], cert[1], key[1], env.bool("REDIS_TLS_CHECK_HOSTNAME", default=True))


def _check_files(ca: tuple[str, str], cert: tuple[str, str], key: tuple[str, str]) -> None:
    """Load each (variable, path) as Python's ssl module will, so a bad file fails now, named."""
    (ca_var, ca_file), (cert_var, cert_file), (key_var, key_file) = ca, cert, key
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file:
        _readable(ca_var, ca_file)
        try:
            context.load_verify_locations(cafile=ca_file)
        except ssl.SSLError as exc:
            raise TlsConfigError(f"{ca_var}={ca_file}: not a PEM CA certificate ({exc})") from None
    if key_file and not cert_file:
        raise TlsConfigError(f"{key_var} is set but {cert_var} is not: set both (or neither)")
    if cert_file:
        _readable(cert_var, cert_file)
        if key_file:
            _readable(key_var, key_file)
        try:
            context.load_cert_chain(cert_file, key_file or None)
        except ssl.SSLError as exc:
            raise TlsConfigError(
                f"{cert_var}={cert_file} with {key_var}={key_file or '(key in the same file)'}: "
                f"not a PEM certificate and its private key ({exc})"
            ) from None


def _is_tls(url: str) -> bool:
    return urlsplit(url).scheme == "rediss"


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
    tls: RedisTls = field(default_factory=RedisTls)  # used only when ``url`` is rediss://
    sentinel_tls: RedisTls | None = None  # the Sentinels speak TLS (REDIS_SENTINEL_TLS)

    @property
    def uses_tls(self) -> bool:
        return _is_tls(self.url)

    def tls_kwargs(self, url: str | None = None) -> dict[str, object]:
        """The ``ssl_*`` arguments for a connection to ``url`` (default: the role's): none unless it
        is a ``rediss://`` URL."""
        return self.tls.connection_kwargs() if _is_tls(self.url if url is None else url) else {}

    def sentinel_kwargs(self) -> dict[str, object] | None:
        """redis-py's ``sentinel_kwargs`` (None: redis-py's default, plain TCP with our timeouts)."""
        if self.sentinel_tls is None:
            return None
        return {
            "ssl": True,
            **self.sentinel_tls.connection_kwargs(),
            "socket_timeout": self.read_timeout,
            "socket_connect_timeout": self.connect_timeout,
        }


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


def _sentinel_roles(env: environ.Env) -> list[str]:
    roles = env.list("REDIS_SENTINEL_ROLES", default=list(ROLES))
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValueError(
            f"REDIS_SENTINEL_ROLES: unknown role(s) {', '.join(unknown)} (use {', '.join(ROLES)})"
        )
    return list(roles)


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
    sentinels = _sentinels(env)
    sentinel_tls = _tls(env, None) if sentinels and env.bool("REDIS_SENTINEL_TLS", default=False) else None
    return RedisRole(
        name=role,
        url=url or _assembled_url(env),
        pool_size=pool_size,
        connect_timeout=_duration(env, "REDIS_DIAL_TIMEOUT", "1s"),
        read_timeout=read_timeout,
        pool_timeout=_duration(env, "REDIS_POOL_TIMEOUT", "5s"),
        health_check_interval=_duration(env, "REDIS_HEALTH_CHECK_INTERVAL", "30s"),
        max_connection_age=_duration(env, "REDIS_MAX_CONN_AGE", "1h"),
        sentinels=sentinels if role in _sentinel_roles(env) else (),
        sentinel_master=env.str(f"REDIS_{role.upper()}_SENTINEL_MASTER", default="")
        or env.str("REDIS_SENTINEL_MASTER", default="mymaster"),
        tls=_tls(env, role),
        sentinel_tls=sentinel_tls,
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


def sentinel_connection_class(role: RedisRole) -> type[SentinelPrimaryConnection]:
    """The redis-py connection class of ``role``'s pools behind Sentinel (core.redis.sentinel)."""
    if urlsplit(role.url).scheme == "rediss":
        return SentinelPrimarySSLConnection
    return SentinelPrimaryConnection


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
            **role.tls_kwargs(),
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
        pool_kwargs: dict[str, object] = {
            "max_connections": role.pool_size,
            "health_check_interval": role.health_check_interval,
            "connection_class": sentinel_connection_class(role),
        }
        if role.uses_tls:
            # sentinel_connection_class gives the TLS variant: redis-py would pick a plain
            # SSLConnection for a rediss:// URL, which connects to the master's name instead of asking
            # the Sentinels for its address.
            pool_kwargs.update(role.tls_kwargs())
        options["CONNECTION_POOL_KWARGS"] = pool_kwargs
        if role.sentinel_tls is not None:
            options["SENTINEL_KWARGS"] = role.sentinel_kwargs()
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
    host: dict[str, object] = {"address": role.url, **connection, **role.tls_kwargs()}
    if role.sentinels:
        parts = urlsplit(role.url)
        host = {
            "sentinels": list(role.sentinels),
            "master_name": role.sentinel_master,
            "connection_class": AsyncSentinelPrimarySSLConnection
            if parts.scheme == "rediss"
            else AsyncSentinelPrimaryConnection,
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            **connection,
        }
        if role.uses_tls:
            host.update(ssl=True, **role.tls_kwargs())
        if role.sentinel_tls is not None:
            host["sentinel_kwargs"] = role.sentinel_kwargs()
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
    tls = role.tls_kwargs()
    if role.sentinels:
        config: dict[str, object] = {
            "SENTINELS": list(role.sentinels),
            "MASTER_NAME": role.sentinel_master,
            "DB": int(parts.path.strip("/") or 0),
            "USERNAME": unquote(parts.username) if parts.username else None,
            "PASSWORD": unquote(parts.password) if parts.password else None,
            "SOCKET_TIMEOUT": role.read_timeout,
            "CONNECTION_KWARGS": {
                "socket_connect_timeout": role.connect_timeout,
                "connection_class": sentinel_connection_class(role),
                **({"ssl": True, **tls} if tls else {}),
            },
        }
        if role.sentinel_tls is not None:
            config["SENTINEL_KWARGS"] = role.sentinel_kwargs()
        return config
    query = dict(parse_qsl(parts.query))
    query.setdefault("socket_timeout", str(role.read_timeout))
    query.setdefault("socket_connect_timeout", str(role.connect_timeout))
    # django-rq builds a URL's connection from the URL alone (and ssl_cert_reqs=required): redis-py
    # reads the other ssl_* options from its query string.
    query.update({name: str(value) for name, value in tls.items() if name != "ssl_cert_reqs"})
    return {"URL": urlunsplit(parts._replace(query=urlencode(query)))}
