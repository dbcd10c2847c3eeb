"""The production Redis ACL and role policies, on real redis-servers started as compose starts them.

The servers come from docker-compose.yml's own ``command`` (its ``${REDIS_PASSWORD}`` interpolated)
with redis.conf and the role files from the repository, so these tests break when those files do.
"""

from __future__ import annotations

import asyncio

import environ
import pytest
import redis
from django.utils.module_loading import import_string
from django_redis.cache import RedisCache
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.retry import Retry

from tests.deploy.redis_servers import AclRedisProcess
from trackeep.redis_config import channel_layer, django_redis_cache, role_settings

pytestmark = pytest.mark.slow

# Administrative or keyspace-wide commands a compromised or buggy app must not run.
DENIED_COMMANDS = [
    ("CONFIG", "GET", "maxmemory"),
    ("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
    ("FLUSHALL",),
    ("FLUSHDB",),
    ("KEYS", "tk:*"),
    ("ACL", "SETUSER", "trackeep", "+@all"),
    ("ACL", "LIST"),
    ("SCRIPT", "FLUSH"),
    ("FUNCTION", "FLUSH"),
    ("CLIENT", "LIST"),
    ("REPLICAOF", "127.0.0.1", "1"),
    ("SHUTDOWN", "NOSAVE"),
]


def refused_client(port: int, **credentials: str) -> redis.Redis:
    """A client for connections that must fail: redis-py would retry authentication errors."""
    return redis.Redis(port=port, retry=Retry(NoBackoff(), 0), **credentials)


def test_default_user_is_refused(state_redis: AclRedisProcess) -> None:
    with refused_client(state_redis.port) as anonymous, pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    with (
        refused_client(state_redis.port, username="default", password=state_redis.password) as default,
        pytest.raises(redis.AuthenticationError),
    ):
        default.ping()


def test_app_user_needs_its_password(state_redis: AclRedisProcess) -> None:
    with (
        refused_client(state_redis.port, username="trackeep", password="wrong") as client,
        pytest.raises(redis.AuthenticationError),
    ):
        client.ping()


@pytest.mark.parametrize("command", DENIED_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_app_user_cannot_run_admin_commands(state_redis: AclRedisProcess, command: tuple[str, ...]) -> None:
    with state_redis.client() as client, pytest.raises(redis.exceptions.NoPermissionError):
        client.execute_command(*command)
    with state_redis.client() as client:
        assert client.ping()  # still up: SHUTDOWN and REPLICAOF were refused, not run


def test_app_user_cannot_touch_keys_outside_the_prefix(state_redis: AclRedisProcess) -> None:
    with state_redis.client() as client:
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.set("other:key", "1")
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.get("sessions")
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.eval("return redis.call('SET', KEYS[1], '1')", 1, "other:key")
        # A script cannot reach around the ACL by naming the key itself.
        with pytest.raises(redis.ResponseError, match="access"):
            client.eval("return redis.call('SET', 'other:key', '1')", 0)


def test_app_user_runs_what_the_app_needs(state_redis: AclRedisProcess) -> None:
    with state_redis.client() as client:
        assert client.ping()
        assert client.info()["redis_version"]
        assert client.eval("return redis.call('INCR', KEYS[1])", 1, "tk:acl:counter") == 1
        # register_script's path: EVALSHA, NOSCRIPT, SCRIPT LOAD, EVALSHA again.
        script = Script(client, "return redis.call('INCRBY', KEYS[1], ARGV[1])")
        assert script(keys=["tk:acl:counter"], args=[2]) == 3
        # In a pipeline redis-py checks SCRIPT EXISTS first.
        pipe = client.pipeline()
        script(keys=["tk:acl:counter"], args=[1], client=pipe)
        assert pipe.execute() == [4]
        client.zadd("tk:acl:queue", {"m1": 1.0})
        assert client.bzpopmin("tk:acl:queue", timeout=1) == (b"tk:acl:queue", b"m1", 1.0)
        assert b"tk:acl:counter" in set(client.scan_iter(match="tk:acl:*"))
        assert client.expire("tk:acl:counter", 60)
        assert client.memory_usage("tk:acl:counter")  # manage.py cache_inspect reports sizes
        assert client.unlink("tk:acl:counter") == 1
        assert client.publish("tk:acl:events", "hello") == 0


def test_django_redis_cache_as_configured_by_the_app(
    state_redis: AclRedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_STATE_URL", state_redis.app_url)
    config = django_redis_cache(
        role_settings(environ.Env(), "state"), key_prefix="tk", ignore_exceptions=False, timeout=60
    )
    cache = RedisCache(str(config["LOCATION"]), {k: v for k, v in config.items() if k != "LOCATION"})
    cache.set("acl:value", {"a": 1})
    assert cache.get("acl:value") == {"a": 1}
    cache.set("acl:count", 1)
    assert cache.incr("acl:count") == 2  # django-redis increments with EVAL
    assert cache.delete_pattern("acl:*") == 2  # the SCAN-based maintenance path
    # The KEYS- and FLUSHDB-based helpers are refused: maintenance must use SCAN.
    with pytest.raises(redis.exceptions.NoPermissionError):
        cache.keys("*")
    with pytest.raises(redis.exceptions.NoPermissionError):
        cache.clear()


async def test_channel_layer_as_configured_by_the_app(
    state_redis: AclRedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_CHANNELS_URL", state_redis.app_url)
    config = channel_layer(role_settings(environ.Env(), "channels"), prefix="tk")
    layer = import_string(config["BACKEND"])(**config["CONFIG"])
    try:
        direct = await layer.new_channel()
        await layer.send(direct, {"type": "direct.message", "n": 1})
        assert (await asyncio.wait_for(layer.receive(direct), 5))["n"] == 1

        member = await layer.new_channel()
        await layer.group_add("conversation.1", member)
        await layer.group_send("conversation.1", {"type": "chat.message", "text": "hi"})  # PUBLISH
        assert (await asyncio.wait_for(layer.receive(member), 5))["text"] == "hi"
        await layer.group_discard("conversation.1", member)
        assert await layer.membership_epoch(max_age=0) == 0  # its marker key is allowed too
    finally:
        await layer.flush()  # the pub/sub layer's clean-up: it unsubscribes and closes its connections


def test_state_instance_never_evicts_and_persists(state_redis: AclRedisProcess) -> None:
    with state_redis.client() as client:
        info = client.info()
    assert info["maxmemory_policy"] == "noeviction"
    assert info["aof_enabled"] == 1
    assert info["maxmemory"] == 256 * 1024 * 1024


def test_cache_instance_evicts_by_frequency_without_persistence(cache_redis: AclRedisProcess) -> None:
    with cache_redis.client() as client:
        info = client.info()
        assert info["maxmemory_policy"] == "allkeys-lfu"
        assert info["aof_enabled"] == 0
        assert info["maxmemory"] == 256 * 1024 * 1024
        # Same ACL as the state instance.
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command("FLUSHALL")
    with refused_client(cache_redis.port) as anonymous, pytest.raises(redis.AuthenticationError):
        anonymous.ping()
