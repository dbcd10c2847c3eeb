"""Sessions on the state Redis with a durable database copy, and the per-user session index."""

from __future__ import annotations

import pytest
import redis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Session
from accounts.sessions import index
from accounts.sessions.metadata import META_KEY, SNAPSHOT_KEY
from core.redis import keys
from core.redis.client import get_client
from tests.factories import PASSWORD, make_user
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db


def login(client: Client, user, agent: str = "pytest-agent") -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("account_login"),
        {"login": user.username, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302, response.content[:500]


def test_login_stores_session_in_redis_and_database_with_metadata() -> None:
    user = make_user()
    client = Client()
    login(client, user, agent="Firefox on Linux")
    key = client.session.session_key
    assert get_client("state").zscore(keys.user_sessions_index(user.pk), key) is not None
    row = Session.objects.get(session_key=key)
    assert row.user_id == user.pk
    assert row.user_agent == "Firefox on Linux"
    meta = client.session[META_KEY]
    assert meta["ua"] == "Firefox on Linux" and meta["since"] == meta["seen"]
    assert isinstance(meta["since"], int)  # Unix seconds, not an ISO string
    # Each fact once: the user's id, name, email and role live in Django's entry and the snapshot.
    assert not {"user_id", "username", "email", "role"} & meta.keys()
    assert client.session[SNAPSHOT_KEY]["email"] == user.email


def test_session_survives_redis_losing_every_key(redis_key_prefix: str) -> None:
    user = make_user()
    client = Client()
    login(client, user)
    state = get_client("state")
    lost = list(state.scan_iter(match=f"{redis_key_prefix}*"))
    assert lost  # the session copy and the index were in Redis...
    state.unlink(*lost)  # ...and are gone, as after a flush of this deployment's keys
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert user.username.encode() in response.content
    assert state.exists(f"{redis_key_prefix}:1:s:{client.session.session_key}")


def test_warm_authenticated_page_needs_no_database_query_and_one_session_read(
    private_redis_roles: RedisProcess,
) -> None:
    user = make_user()
    client = Client()
    login(client, user)
    client.get(reverse("accounts:profile"))  # warms the profile cache
    stats = redis.Redis(port=private_redis_roles.port)
    before = stats.info("commandstats")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:profile"))
    after = stats.info("commandstats")
    assert response.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]

    def calls(command: str) -> int:
        return int(after.get(f"cmdstat_{command}", {}).get("calls", 0)) - int(
            before.get(f"cmdstat_{command}", {}).get("calls", 0)
        )

    # INFO counts commands run inside scripts too: the session; the profile's generation and entry (two
    # GETs in one cache-aside EVALSHA); the rate-limit script's GET and SET of its 12-byte state.
    assert calls("get") == 1 + 2 + 1
    assert calls("set") == 0 + 1  # nothing written on a warm read (+ the rate limit counting it)


# A current desktop browser's user agent (110 characters), as a real login sends it.
BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# Bytes of Redis memory per session (the seed's budget). Sessions measured 888 as named dicts, 744 once
# each fact was stored once, 424 as the compact array (accounts/sessions/compact.py; docs/benchmarks.md,
# "Redis memory per session"), with this test's longer key prefix.
SESSION_MEMORY_BUDGET = 500


def test_a_session_takes_at_most_its_budget_of_redis_memory(
    settings,
    private_redis_roles: RedisProcess,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user(full_name="Ada Lovelace", email="ada.lovelace@example.com", timezone="Europe/London")
    client = Client()
    login(client, user, agent=BROWSER_AGENT)
    client.get(reverse("accounts:profile"))  # a request after login: what every session looks like
    key = f"{settings.REDIS_KEY_PREFIX}:1:s:{client.session.session_key}"
    usage = redis.Redis(port=private_redis_roles.port).memory_usage(key)
    assert usage is not None and usage <= SESSION_MEMORY_BUDGET, usage


def test_sign_out_everywhere_else_leaves_only_the_current_session() -> None:
    user = make_user()
    devices = [Client() for _ in range(3)]
    for n, device in enumerate(devices):
        login(device, user, agent=f"device {n}")
    current = devices[0]
    assert len(index.active_keys(user.pk)) == 3
    response = current.post(reverse("accounts:revoke_others"))
    assert response.status_code == 302
    assert index.active_keys(user.pk) == [current.session.session_key]
    assert Session.objects.filter(user=user).count() == 1
    assert devices[1].get(reverse("accounts:profile")).status_code == 302  # back to login


def test_password_change_signs_out_other_devices_but_keeps_this_one() -> None:
    user = make_user()
    this, other = Client(), Client()
    login(this, user)
    login(other, user)
    response = this.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase 42",
            "password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert this.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302
    assert index.active_keys(user.pk) == [this.session.session_key]


def test_replayed_cookie_after_logout_is_anonymous() -> None:
    user = make_user()
    client = Client()
    login(client, user)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("accounts:profile")).status_code == 302
    assert index.active_keys(user.pk) == []
