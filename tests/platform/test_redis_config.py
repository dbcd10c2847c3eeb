"""Environment variables to per-role Redis settings (trackeep/redis_config.py)."""

from __future__ import annotations

import environ
import pytest
from channels_redis.core import RedisChannelLayer
from django.utils.module_loading import import_string
from django_redis.client import SentinelClient

from core.redis.cache_clients import MissOnUndecodableMixin
from core.redis.sentinel import AsyncSentinelPrimaryConnection, SentinelPrimaryConnection
from trackeep.redis_config import (
    channel_layer,
    channel_layer_socket_timeout,
    django_redis_cache,
    parse_duration,
    role_settings,
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An environ.Env over os.environ with every REDIS_* variable removed; set what a test needs."""
    import os

    for name in list(os.environ):
        if name.startswith("REDIS_"):
            monkeypatch.delenv(name)

    def build(**variables: str) -> environ.Env:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return environ.Env()

    return build


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("500ms", 0.5), ("3s", 3.0), ("1m", 60.0), ("1h", 3600.0), ("2", 2.0), (" 1.5 ", 1.5), ("250 ms", 0.25)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "fast", "1d", "-1s", "3 seconds"])
def test_parse_duration_rejects_other_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_defaults(env) -> None:  # type: ignore[no-untyped-def]
    role = role_settings(env(), "cache")
    assert role.url == "redis://127.0.0.1:6379/0"
    assert (role.pool_size, role.connect_timeout, role.read_timeout) == (20, 1.0, 1.0)
    # The seed's pool settings (section 5.3): wait 5 s for a connection, refresh hourly.
    assert (role.pool_timeout, role.health_check_interval, role.max_connection_age) == (5.0, 30.0, 3600.0)
    assert role.sentinels == ()


def test_pool_settings_from_the_environment(env) -> None:  # type: ignore[no-untyped-def]
    role = role_settings(
        env(REDIS_POOL_TIMEOUT="250ms", REDIS_HEALTH_CHECK_INTERVAL="0", REDIS_MAX_CONN_AGE="10m"), "state"
    )
    cache = django_redis_cache(role, key_prefix="tk", ignore_exceptions=False, timeout=60)
    assert cache["OPTIONS"]["CONNECTION_POOL_KWARGS"] == {
        "max_connections": 20,
        "timeout": 0.25,
        "health_check_interval": 0.0,
        "max_connection_age": 600.0,
    }


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("REDIS_POOL_TIMEOUT", "-1s", "REDIS_POOL_TIMEOUT: not a duration"),
        ("REDIS_MAX_CONN_AGE", "forever", "REDIS_MAX_CONN_AGE: not a duration"),
        ("REDIS_READ_TIMEOUT", "1d", "REDIS_READ_TIMEOUT: not a duration"),
        ("REDIS_POOL_SIZE", "0", "REDIS_POOL_SIZE must be at least 1"),
    ],
)
def test_bad_pool_settings_name_the_variable(env, variable: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        role_settings(env(**{variable: value}), "state")


def test_channel_layer_socket_timeout_outlasts_its_blocking_receive(env) -> None:  # type: ignore[no-untyped-def]
    role = role_settings(
        env(REDIS_READ_TIMEOUT="500ms", REDIS_WRITE_TIMEOUT="500ms", REDIS_CHANNELS_URL="redis://ch:6379/2"),
        "channels",
    )
    layer = channel_layer(role, prefix="tk")
    (host,) = layer["CONFIG"]["hosts"]
    assert host["address"] == "redis://ch:6379/2"
    # BZPOPMIN blocks up to brpop_timeout seconds server-side; the read must wait longer than that.
    assert (
        host["socket_timeout"] == channel_layer_socket_timeout(role) == RedisChannelLayer.brpop_timeout + 0.5
    )
    assert host["socket_keepalive"] is True
    assert host["health_check_interval"] == 30.0
    assert host["socket_connect_timeout"] == 1.0


def test_role_url_beats_redis_url_beats_assembled_address(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        REDIS_CACHE_URL="redis://cache:6379/1",
        REDIS_URL="redis://shared:6379/0",
        REDIS_ADDR="addr:6380",
        REDIS_PASSWORD="secret",
        REDIS_DB="4",
    )
    assert role_settings(settings, "cache").url == "redis://cache:6379/1"
    assert role_settings(settings, "state").url == "redis://shared:6379/0"


def test_assembled_url_from_the_seed_variables(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        REDIS_ADDR="redis.internal:6380", REDIS_USERNAME="app", REDIS_PASSWORD="p@ss/w:rd", REDIS_DB="2"
    )
    assert role_settings(settings, "state").url == "redis://app:p%40ss%2Fw%3Ard@redis.internal:6380/2"
    password_only = env(REDIS_USERNAME="")
    assert role_settings(password_only, "state").url == "redis://:p%40ss%2Fw%3Ard@redis.internal:6380/2"


def test_tls_url_and_timeouts_are_kept(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        REDIS_STATE_URL="rediss://app:secret@state.example:6380/0",
        REDIS_DIAL_TIMEOUT="250ms",
        REDIS_READ_TIMEOUT="2s",
        REDIS_WRITE_TIMEOUT="3s",
        REDIS_POOL_SIZE="50",
    )
    role = role_settings(settings, "state")
    cache = django_redis_cache(role, key_prefix="tk", ignore_exceptions=False, timeout=60)
    assert cache["LOCATION"] == "rediss://app:secret@state.example:6380/0"
    options = cache["OPTIONS"]
    assert options["SOCKET_CONNECT_TIMEOUT"] == 0.25
    assert options["SOCKET_TIMEOUT"] == 3.0  # the longer of read and write
    assert options["CONNECTION_POOL_KWARGS"]["max_connections"] == 50
    assert options["CONNECTION_POOL_CLASS"] == "core.redis.pool.TrackeepConnectionPool"


def test_sentinel_configuration_keeps_credentials_and_db(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        REDIS_SENTINELS="s1:26379, s2:26380,s3",
        REDIS_SENTINEL_MASTER="trackeep",
        REDIS_STATE_SENTINEL_MASTER="trackeep-state",
        REDIS_URL="redis://app:s%40cret@ignored-host:6379/3",
    )
    state = role_settings(settings, "state")
    assert state.sentinels == (("s1", 26379), ("s2", 26380), ("s3", 26379))
    cache = django_redis_cache(state, key_prefix="tk", ignore_exceptions=False, timeout=60)
    assert cache["LOCATION"] == "redis://app:s%40cret@trackeep-state/3"  # the host names the master
    client_class = import_string(cache["OPTIONS"]["CLIENT_CLASS"])
    assert issubclass(client_class, SentinelClient) and issubclass(client_class, MissOnUndecodableMixin)
    assert cache["OPTIONS"]["CONNECTION_FACTORY"] == "django_redis.pool.SentinelConnectionFactory"
    assert cache["OPTIONS"]["SENTINELS"] == [("s1", 26379), ("s2", 26380), ("s3", 26379)]
    assert "CONNECTION_POOL_CLASS" not in cache["OPTIONS"]  # Sentinel pools have no breaker
    assert cache["OPTIONS"]["CONNECTION_POOL_KWARGS"] == {
        "max_connections": 20,
        "health_check_interval": 30.0,
        "connection_class": SentinelPrimaryConnection,  # follows the primary when it moves
    }
    assert role_settings(settings, "cache").sentinel_master == "trackeep"
    layer = channel_layer(role_settings(settings, "channels"), prefix="tk")
    assert layer["CONFIG"]["hosts"] == [
        {
            "sentinels": [("s1", 26379), ("s2", 26380), ("s3", 26379)],
            "master_name": "trackeep",
            "connection_class": AsyncSentinelPrimaryConnection,
            "username": "app",
            "password": "s@cret",
            "socket_timeout": RedisChannelLayer.brpop_timeout + 1.0,
            "socket_connect_timeout": 1.0,
            "socket_keepalive": True,
            "health_check_interval": 30.0,
        }
    ]
    assert layer["CONFIG"]["prefix"] == "tk:ch"


def test_sentinel_can_be_limited_to_some_roles(env) -> None:  # type: ignore[no-untyped-def]
    settings = env(
        REDIS_SENTINELS="s1:26379",
        REDIS_SENTINEL_ROLES="state,channels",
        REDIS_CACHE_URL="redis://redis-cache:6379/0",
        REDIS_STATE_URL="redis://ignored:6379/0",
    )
    assert role_settings(settings, "cache").sentinels == ()
    assert role_settings(settings, "state").sentinels == (("s1", 26379),)
    assert role_settings(settings, "channels").sentinels == (("s1", 26379),)
    cache = django_redis_cache(
        role_settings(settings, "cache"), key_prefix="tk", ignore_exceptions=True, timeout=60
    )
    assert cache["LOCATION"] == "redis://redis-cache:6379/0"
    with pytest.raises(ValueError, match="REDIS_SENTINEL_ROLES: unknown role"):
        role_settings(env(REDIS_SENTINELS="s1", REDIS_SENTINEL_ROLES="state,queue"), "state")


def test_unknown_role_is_rejected(env) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown Redis role"):
        role_settings(env(), "queue")


def test_the_channel_layer_kind_picks_the_backend(env) -> None:  # type: ignore[no-untyped-def]
    role = role_settings(env(), "channels")
    assert channel_layer(role, prefix="tk")["BACKEND"] == "core.redis.channels.TrackeepPubSubChannelLayer"
    lists = channel_layer(role, prefix="tk", kind="lists")
    assert lists["BACKEND"] == "core.redis.channels.TrackeepChannelLayer"
    with pytest.raises(ValueError, match="CHANNEL_LAYER"):
        channel_layer(role, prefix="tk", kind="memory")
