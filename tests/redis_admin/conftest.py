"""Fixtures of the admin Redis page's tests: every role on a redis-server of the test's own, sampled
by the monitoring sampler a few times, and users with cached entries in every per-user family."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from core.audit.entries import entry_from_fields
from core.models import AuditEntry
from core.monitoring.sampler import sample_all
from core.redis import families, keys
from core.redis.client import get_client
from tests.factories import make_user
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess


@pytest.fixture
def redis_server(settings: Any, tmp_path: Path) -> Iterator[RedisProcess]:
    """Cache, state and channels on one private redis-server, sampled under the cache role."""
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        point_roles_at(settings, server.url)
        settings.REDIS_ROLES = {
            role: dataclasses.replace(config, url=server.url) for role, config in settings.REDIS_ROLES.items()
        }
        settings.REDIS_MONITOR_URLS = {"cache": server.url}
        yield server


def sample_a_few_times(count: int = 3) -> None:
    """Run the monitoring sampler ``count`` times, a minute apart, ending a minute ago."""
    now = time.time()
    for minutes_ago in range(count, 0, -1):
        sample_all(clock=lambda at=now - 60 * minutes_ago: at)


def fill_user_caches(user_id: int) -> None:
    """One entry of every per-user family for ``user_id``."""
    for family in families.families():
        if family.per_user:
            family.get_or_compute(lambda: {"for": user_id}, "admin-test", user_id=user_id)


def entries_of(family: str, user_id: int) -> list[bytes]:
    """The raw keys of ``user_id``'s entries of ``family``, any generation."""
    from core.redis.client import cache_for

    pattern = cache_for("cache").make_key(keys.family_entry_cache_key(family, user_id, "*", ()))
    return list(get_client("cache").scan_iter(match=pattern, count=1000))


def hits(user_id: int) -> dict[str, bool]:
    """Per per-user family: does ``user_id``'s entry still come from the cache?"""
    return {
        f.name: f.get_or_compute(lambda: {"recomputed": True}, "admin-test", user_id=user_id).hit
        for f in families.families()
        if f.per_user
    }


def audit_entries() -> list[AuditEntry]:
    """What the audit stream holds (not yet drained to the database)."""
    return [entry_from_fields(sid, fields) for sid, fields in get_client("state").xrange(keys.audit_stream())]


@pytest.fixture
def staff() -> Any:
    return make_user(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client
