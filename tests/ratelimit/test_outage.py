"""When Redis cannot answer: general traffic is served (counted and logged), login and password reset
stay limited by the per-process limiter; a flushed script cache costs nothing but one reload; and
with ``REDIS_RATELIMIT_ENABLED`` off the in-process limiter does the limiting."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.ratelimit import metrics
from core.ratelimit.base import Check
from core.ratelimit.redis_limiter import RedisLimiter
from core.redis import keys
from core.redis.client import get_client
from tests.factories import PASSWORD, make_user
from tests.ratelimit.conftest import default_rows, policy, row
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess, free_port

pytestmark = pytest.mark.django_db
MISSING_PAGE = "/no-such-page/"


def point_state_role_at(settings: Any, url: str) -> None:
    caches = copy.deepcopy(settings.CACHES)
    caches["state"]["LOCATION"] = url
    settings.CACHES = caches


@pytest.fixture
def redis_down(settings: Any) -> None:
    """The state role points at a port nobody listens on (sessions fall back to the database)."""
    point_state_role_at(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def private_redis(settings: Any) -> Iterator[RedisProcess]:
    with checked_redis(RedisProcess()) as server:
        point_state_role_at(settings, server.url)
        yield server


def test_redis_down_general_traffic_is_served_counted_and_logged(
    redis_down: None, use_policies: Callable[..., None], caplog: pytest.LogCaptureFixture
) -> None:
    use_policies(row(name="general", limit=1))
    make_user()
    before = metrics.count(metrics.FAIL_OPEN, "general")
    client = Client()
    with caplog.at_level(logging.WARNING, logger="core.ratelimit.services"):
        responses = [client.get(MISSING_PAGE) for _ in range(5)]
    assert [r.status_code for r in responses] == [404] * 5
    assert all("RateLimit-Limit" not in r for r in responses)  # nothing is known: no headers
    assert metrics.count(metrics.FAIL_OPEN, "general") == before + 5
    assert "rate limit general: Redis could not answer" in caplog.text


def test_redis_down_login_and_password_reset_stay_limited(redis_down: None, settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows()
    user = make_user()
    before = metrics.count(metrics.LOCAL_FALLBACK, "login")
    attempts = [
        Client().post(reverse("account_login"), {"login": user.username, "password": "wrong"})
        for _ in range(5)
    ]
    assert all(b"Too many failed" not in r.content for r in attempts)
    blocked = Client().post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert blocked.status_code == 200
    assert b"Too many failed login attempts" in blocked.content
    assert metrics.count(metrics.LOCAL_FALLBACK, "login") > before

    client = Client()
    resets = [client.post("/accounts/password/reset/", {"email": user.email}) for _ in range(6)]
    assert [r.status_code == 429 for r in resets] == [False] * 5 + [True]


def test_a_failing_script_fails_open_for_general_traffic(use_policies: Callable[..., None]) -> None:
    use_policies(row(name="general", limit=1))
    make_user()
    # A key of the wrong type makes sliding_window.lua raise WRONGTYPE on every call.
    get_client("state").set(keys.rate_limit("general", "ip:127.0.0.1", "log"), "not a sorted set")
    before = metrics.count(metrics.FAIL_OPEN, "general")
    client = Client()
    assert [client.get(MISSING_PAGE).status_code for _ in range(3)] == [404] * 3
    assert metrics.count(metrics.FAIL_OPEN, "general") == before + 3


def test_a_failing_script_falls_back_to_the_local_limiter_for_local_policies(
    use_policies: Callable[..., None],
) -> None:
    use_policies(row(name="sensitive", limit=2, outage="local"))
    make_user()
    get_client("state").set(keys.rate_limit("sensitive", "ip:127.0.0.1", "log"), "not a sorted set")
    client = Client()
    assert [client.get(MISSING_PAGE).status_code for _ in range(3)] == [404, 404, 429]


def test_an_emptied_script_cache_is_reloaded_and_counts_carry_on(
    private_redis: RedisProcess, round_trips: Callable[..., Any]
) -> None:
    limiter = RedisLimiter()
    check = Check(policy(limit=3), "user:1")
    assert limiter.hit([check])[0].remaining == 2
    get_client("state").script_flush()  # a private server: as after a restart or failover
    with round_trips() as sent:
        assert limiter.hit([check])[0].remaining == 1
    assert [packet.split(b"\r\n")[2] for packet in sent] == [b"EVALSHA", b"SCRIPT", b"EVALSHA"]
    with round_trips() as sent:
        assert limiter.hit([check])[0].remaining == 0
    assert len(sent) == 1


def test_without_redis_the_in_process_limiter_limits(
    settings: Any, use_policies: Callable[..., None]
) -> None:
    settings.REDIS_RATELIMIT_ENABLED = False
    use_policies(row(name="general", limit=2))
    make_user()
    client = Client()
    responses = [client.get(MISSING_PAGE) for _ in range(3)]
    assert [r.status_code for r in responses] == [404, 404, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["1", "0", "0"]
    assert get_client("state").exists(keys.rate_limit("general", "ip:127.0.0.1", "log")) == 0
