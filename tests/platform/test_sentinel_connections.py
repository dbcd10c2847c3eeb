"""core.redis.sentinel against a real Sentinel group (one primary, two replicas, three sentinels).

Each test demotes the primary with ``SENTINEL FAILOVER`` while a client holds a connection to it, and
runs the same steps with redis-py's own Sentinel connection class to show what it does instead.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
import redis.asyncio
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.asyncio.sentinel import SentinelManagedConnection as StockAsyncConnection
from redis.sentinel import Sentinel, SentinelManagedConnection

from core.redis.sentinel import (
    PRIMARY_CHECK_SECONDS,
    AsyncSentinelPrimaryConnection,
    SentinelPrimaryConnection,
)
from tests.server_logs import REDIS_FAILURE_MARKERS, assert_clean_logs
from tools.redis_sentinel import SentinelGroup

pytestmark = pytest.mark.slow
MASTER = "tk-test"


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SentinelGroup]:
    sentinels = SentinelGroup(tmp_path_factory.mktemp("sentinel") / "redis", master_name=MASTER)
    with sentinels:
        yield sentinels
    assert_clean_logs(sentinels.final_logs, REDIS_FAILURE_MARKERS)


def primary_client(group: SentinelGroup, connection_class: type) -> redis.Redis:
    group.wait_until_settled()  # the previous test's failover has ended everywhere
    sentinel = Sentinel(group.sentinel_addresses, socket_timeout=2)
    return sentinel.master_for(MASTER, connection_class=connection_class, socket_timeout=2)


def demote(group: SentinelGroup, *, reconfigure_old: bool) -> tuple[int, int]:
    """SENTINEL FAILOVER; with ``reconfigure_old`` also make the old primary a replica at once (as
    Sentinel does seconds later). Returns the old and the new primary's ports."""
    old = group.master_port()
    group.failover()
    new = group.wait_for_new_master(old)
    if reconfigure_old:
        group.client(old).replicaof("127.0.0.1", new)
    return old, new


@pytest.mark.parametrize(
    ("connection_class", "follows"), [(SentinelPrimaryConnection, True), (SentinelManagedConnection, False)]
)
def test_a_write_after_demotion_reaches_the_new_primary_instead_of_failing_readonly(
    group: SentinelGroup, connection_class: type, follows: bool
) -> None:
    client = primary_client(group, connection_class)
    key = f"k{uuid.uuid4().hex}"
    client.set(key, "before")  # the pool's one connection is open to the primary now
    _, new = demote(group, reconfigure_old=True)
    if follows:
        client.set(key, "after")
        assert group.client(new).get(key) == b"after"
    else:
        # redis-py turns READONLY into a reconnect, but its retry reconnects to the same old address.
        with pytest.raises(redis.ConnectionError, match="previous master is now a slave"):
            client.set(key, "after")


@pytest.mark.parametrize(
    ("connection_class", "follows"), [(SentinelPrimaryConnection, True), (SentinelManagedConnection, False)]
)
def test_writes_leave_a_replaced_primary_before_sentinel_reconfigures_it(
    group: SentinelGroup, connection_class: type, follows: bool
) -> None:
    client = primary_client(group, connection_class)
    key = f"k{uuid.uuid4().hex}"
    client.set(key, "before")
    old, new = demote(group, reconfigure_old=False)  # the old one still takes writes for seconds
    time.sleep(PRIMARY_CHECK_SECONDS)
    client.set(key, "after")
    landed_on_new = group.client(new).get(key) == b"after"
    assert landed_on_new is follows, f"old :{old} has {group.client(old).get(key)!r}"


@pytest.mark.parametrize(
    ("connection_class", "follows"), [(AsyncSentinelPrimaryConnection, True), (StockAsyncConnection, False)]
)
def test_a_blocked_receive_survives_the_demotion_of_its_server(
    group: SentinelGroup, connection_class: type, follows: bool
) -> None:
    key = f"z{uuid.uuid4().hex}"

    group.wait_until_settled()

    async def scenario() -> None:
        sentinel = AsyncSentinel(group.sentinel_addresses, socket_timeout=5)
        client = sentinel.master_for(MASTER, connection_class=connection_class, socket_timeout=10)
        await client.ping()
        blocked = asyncio.create_task(client.bzpopmin(key, timeout=6))  # as the channel layer receives
        await asyncio.sleep(0.3)
        _, new = await asyncio.to_thread(demote, group, reconfigure_old=True)
        group.client(new).zadd(key, {"sent after the failover": 1})
        if follows:
            assert await blocked == (key.encode(), b"sent after the failover", 1.0)
        else:
            with pytest.raises(redis.ResponseError, match="UNBLOCKED"):
                await blocked
        await client.aclose()

    asyncio.run(scenario())
