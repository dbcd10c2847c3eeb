"""Fixtures: the compose file's two Redis instances, one private server each per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.deploy.redis_servers import AclRedisProcess, compose_redis
from tests.server_logs import checked_redis


@pytest.fixture(scope="module")
def state_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AclRedisProcess]:
    with checked_redis(compose_redis("redis-state", tmp_path_factory.mktemp("redis-state-conf"))) as server:
        yield server


@pytest.fixture(scope="module")
def cache_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AclRedisProcess]:
    with checked_redis(compose_redis("redis-cache", tmp_path_factory.mktemp("redis-cache-conf"))) as server:
        yield server
