"""The Redis page under the shipped ACL: the figures as the ``monitor`` user, key counts and actions as
the app user, on a cache and a state redis-server started as docker-compose.yml starts them."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from core.ratelimit import identity
from core.ratelimit import services as ratelimit_services
from core.redis import breaker, families
from core.redis.client import get_client
from tests.deploy.redis_servers import AclRedisProcess, compose_redis
from tests.factories import make_user, signed_in
from tests.redis_admin.conftest import entries_of, fill_user_caches, hits, sample_a_few_times
from tests.server_logs import checked_redis

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def compose_roles(settings: Any, tmp_path: Path) -> Iterator[tuple[AclRedisProcess, AclRedisProcess]]:
    (tmp_path / "cache").mkdir()
    (tmp_path / "state").mkdir()
    with (
        checked_redis(compose_redis("redis-cache", tmp_path / "cache")) as cache,
        checked_redis(compose_redis("redis-state", tmp_path / "state")) as state,
    ):
        caches = copy.deepcopy(settings.CACHES)
        caches["default"]["LOCATION"], caches["state"]["LOCATION"] = cache.app_url, state.app_url
        for alias in ("default", "state"):
            caches[alias]["KEY_PREFIX"] = "tk"  # the ACL's ~tk:*
        settings.CACHES = caches
        settings.REDIS_KEY_PREFIX = "tk"
        urls = {"cache": cache.app_url, "state": state.app_url, "channels": state.app_url}
        settings.REDIS_ROLES = {
            role: dataclasses.replace(config, url=urls[role]) for role, config in settings.REDIS_ROLES.items()
        }
        settings.REDIS_MONITOR_URLS = {"cache": cache.monitor_url, "state": state.monitor_url}
        breaker.reset_all_breakers()
        yield cache, state


def test_every_part_of_the_page_works_under_the_shipped_acl(
    compose_roles: tuple[AclRedisProcess, AclRedisProcess],
) -> None:
    sample_a_few_times(2)
    x, y = make_user(), make_user()
    fill_user_caches(x.pk)
    fill_user_caches(y.pk)
    ratelimit_services.hit(identity.checks_for_user(x))
    admin = signed_in(make_user(is_staff=True, is_superuser=True))

    response = admin.get(reverse("redisadmin:page"))
    assert response.status_code == 200
    cache, state, channels = response.context["overview"].roles
    assert cache.available and state.available and channels.url_role == "state"
    assert cache.samples_last_hour == 2 and len(cache.charts) == 5 and not cache.charts_error
    keys = response.context["overview"].keys
    assert not keys.error and keys.sessions is not None and keys.sessions.count == 1
    assert {row.name: row.count for row in keys.families}["profile"] == 2

    admin.post(reverse("redisadmin:invalidate"), {"user": x.pk})
    per_user = [f.name for f in families.families() if f.per_user]
    assert all(entries_of(name, x.pk) == [] and entries_of(name, y.pk) for name in per_user)
    assert not any(hits(x.pk).values()) and all(hits(y.pk).values())

    admin.post(reverse("redisadmin:ratelimits"), {"user": x.pk, "confirmed": "yes"})
    assert not any(get_client("state").exists(c.key) for c in identity.checks_for_user(x))
    x_browser = signed_in(x)
    admin.post(reverse("redisadmin:sessions"), {"user": x.pk, "confirmed": "yes"})
    assert x_browser.get(reverse("content:bookmark_list")).status_code == 302
