"""End to end: a logged-in user while the Redis behind every role stops, restarts or comes back empty.

Policy under test (docs/architecture.md, "When Redis is down"): no 500, sessions keep working from
the database copy, login attempts stay limited by the per-process limiter, and recovery needs no
restart of the app: once the breaker's period is over, Redis is used again.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.sessions.metadata import META_KEY
from accounts.sessions.redis_db import SessionStore
from core.redis import keys
from core.redis.client import get_client
from tests.factories import PASSWORD, make_user
from tests.platform.conftest import FakeClock
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PAGES = ("/", reverse("accounts:profile"), reverse("accounts:sessions"))


def login(client: Client, username: str, **extra: str) -> None:
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content[:300]


def session_cache_key(prefix: str, client: Client) -> str:
    return f"{prefix}:1:s:{client.cookies['sessionid'].value}"


def assert_logged_in_everywhere(client: Client, username: str) -> None:
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        assert username.encode() in response.content, page


def get_calls(server: RedisProcess) -> int:
    import redis

    stats = redis.Redis(port=server.port).info("commandstats")
    return int(stats.get("cmdstat_get", {}).get("calls", 0))


@pytest.fixture
def on_private_redis(settings, private_redis: RedisProcess, breaker_clock: FakeClock) -> RedisProcess:  # type: ignore[no-untyped-def]
    point_roles_at(settings, private_redis.url, SOCKET_TIMEOUT=0.5, SOCKET_CONNECT_TIMEOUT=0.5)
    return private_redis


def test_pages_and_login_survive_a_redis_outage_and_recover_with_data(
    settings, on_private_redis: RedisProcess, breaker_clock: FakeClock, redis_key_prefix: str
) -> None:
    user = make_user()
    client = Client()
    login(client, user.username)
    assert_logged_in_everywhere(client, user.username)

    on_private_redis.stop()
    assert_logged_in_everywhere(client, user.username)  # served from the database copy
    assert Client().get(reverse("account_login")).status_code == 200

    on_private_redis.start()  # same port and data directory: the RDB written at shutdown is loaded
    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    assert get_client("state").exists(session_cache_key(redis_key_prefix, client))
    before = get_calls(on_private_redis)
    assert_logged_in_everywhere(client, user.username)
    assert get_calls(on_private_redis) > before  # Redis is read again, no app restart needed


def test_users_stay_logged_in_when_redis_comes_back_empty(
    settings, on_private_redis: RedisProcess, breaker_clock: FakeClock, redis_key_prefix: str
) -> None:
    user = make_user()
    client = Client()
    login(client, user.username)
    port = on_private_redis.port
    on_private_redis.stop()
    assert_logged_in_everywhere(client, user.username)

    with checked_redis(RedisProcess(port=port)) as empty:  # a fresh data directory: every key is gone
        breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
        state = get_client("state")
        assert not state.exists(session_cache_key(redis_key_prefix, client))
        assert_logged_in_everywhere(client, user.username)
        assert state.exists(session_cache_key(redis_key_prefix, client))  # refilled from the database
        assert get_calls(empty) > 0


def test_restart_between_requests_keeps_users_logged_in(on_private_redis: RedisProcess) -> None:
    user = make_user()
    client = Client()
    login(client, user.username)
    before = client.session.session_key
    on_private_redis.restart()
    assert_logged_in_everywhere(client, user.username)
    assert client.session.session_key == before


def test_sessions_revoked_during_an_outage_stay_revoked_when_redis_returns_with_data(
    settings, on_private_redis: RedisProcess, breaker_clock: FakeClock
) -> None:
    user = make_user()
    this, other = Client(), Client()
    login(this, user.username)
    login(other, user.username)
    cookie = other.cookies["sessionid"].value
    on_private_redis.stop()
    response = this.post(reverse("accounts:revoke_others"))
    assert response.status_code == 302
    assert other.get(reverse("accounts:profile")).status_code == 302  # signed out at once...

    on_private_redis.start()  # ...and Redis comes back with the old copy of that session
    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    assert this.get(reverse("accounts:profile")).status_code == 200
    replay = Client()
    replay.cookies["sessionid"] = cookie  # whoever kept the cookie
    assert replay.get(reverse("accounts:profile")).status_code == 302  # still signed out


def test_a_new_login_works_while_redis_is_down(on_private_redis: RedisProcess) -> None:
    user = make_user()
    on_private_redis.stop()
    client = Client()
    login(client, user.username)
    assert_logged_in_everywhere(client, user.username)


def attempt_logins(client: Client, username: str, count: int) -> None:
    for attempt in range(count):
        # A new address each time: the per-account limit is what stops the next attempt.
        response = client.post(
            reverse("account_login"),
            {"login": username, "password": "wrong password"},
            REMOTE_ADDR=f"10.0.0.{attempt + 1}",
        )
        assert response.status_code == 200
        assert b"Too many failed login attempts" not in response.content


def assert_refused_with_the_right_password(client: Client, username: str) -> None:
    response = client.post(
        reverse("account_login"), {"login": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_login_attempts_stay_limited_while_redis_is_down(settings, on_private_redis: RedisProcess) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    on_private_redis.stop()
    client = Client()
    attempt_logins(client, user.username, settings.LOGIN_ATTEMPTS_LIMIT)
    assert_refused_with_the_right_password(client, user.username)


def test_login_attempts_stay_limited_while_the_state_redis_is_down(settings) -> None:  # type: ignore[no-untyped-def]
    caches = copy.deepcopy(settings.CACHES)
    caches["state"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"  # the cache role stays up
    settings.CACHES = caches
    user = make_user()
    client = Client()
    attempt_logins(client, user.username, settings.LOGIN_ATTEMPTS_LIMIT)
    assert_refused_with_the_right_password(client, user.username)


def test_a_role_change_during_an_outage_is_not_undone_when_redis_returns_with_data(
    settings, on_private_redis: RedisProcess, breaker_clock: FakeClock
) -> None:
    admin = make_user(role="admin")
    client = Client()
    login(client, admin.username)
    assert client.get(reverse("admin:index")).status_code == 200
    on_private_redis.stop()
    admin.role, admin.is_staff = "user", False
    admin.save()  # rewrites the snapshot in every session: the database copy only, for now
    assert client.get(reverse("admin:index")).status_code == 302

    on_private_redis.start()
    breaker_clock.advance(settings.REDIS_BREAKER_RESET_SECONDS)
    assert client.get(reverse("admin:index")).status_code == 302  # the old snapshot stays gone
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.fixture
async def close_executor_connections() -> AsyncIterator[None]:
    """sync_to_async runs ORM calls in a shared worker thread: close its connection afterwards."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True)
async def test_async_session_methods_tolerate_an_outage_and_keep_the_index(
    on_private_redis: RedisProcess, close_executor_connections: None
) -> None:
    user = await sync_to_async(make_user)()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[META_KEY] = {"ip": "192.0.2.1"}
    await store.asave(must_create=True)
    index_key = keys.user_sessions_index(user.pk)
    assert await sync_to_async(get_client("state").zscore)(index_key, store.session_key) is not None

    on_private_redis.stop()
    fresh = SessionStore(store.session_key)
    assert (await fresh.aload())[META_KEY] == {"ip": "192.0.2.1"}  # from the database, no error
    await fresh.adelete()
    assert not await SessionStore().aexists(store.session_key)
