"""Revocations that the state Redis missed stay revoked in every process (issue 11, item 5).

Another app process is played by a fresh ``StaleCopies``: it has heard of nothing this process
remembers, exactly like a second gunicorn worker, and learns only what is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.sessions import redis_db
from accounts.sessions.stale import StaleCopies
from core.redis.breaker import reset_all_breakers
from tests.factories import PASSWORD, make_user
from tests.redis_support import point_roles_at
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db
PROFILE = reverse("accounts:profile")
NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def state_redis(settings: Any, tmp_path: Path) -> Iterator[RedisProcess]:
    """Cache and state on a private redis-server that keeps its data across a restart."""
    server = RedisProcess(data_dir=tmp_path / "redis").start()
    point_roles_at(settings, server.url, SOCKET_TIMEOUT=0.5, SOCKET_CONNECT_TIMEOUT=0.5)
    settings.SESSION_REVOCATIONS_REFRESH_SECONDS = 0  # read the shared list on every session operation
    yield server
    server.stop()


def another_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, sessions are served as by a process that saw none of the above."""
    monkeypatch.setattr(redis_db, "stale_copies", StaleCopies())
    reset_all_breakers()


def signed_in(user: Any) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(PROFILE).status_code == 200  # and its copy is in Redis
    return client


def test_a_revocation_redis_missed_holds_in_another_process_when_redis_returns_with_data(
    state_redis: RedisProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    thief = signed_in(user)
    state_redis.stop()  # saves its data, the session copy included
    services.revoke_sessions(
        user.pk, [thief.cookies["sessionid"].value], reason="revoked"
    )  # database only, for now
    state_redis.start()  # back with the copy of the revoked session
    another_process(monkeypatch)
    assert thief.get(PROFILE).status_code == 302


def test_a_session_copy_from_before_a_password_change_is_refused(
    state_redis: RedisProcess, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    user = make_user()
    thief, owner = signed_in(user), signed_in(user)
    store = redis_db.SessionStore(thief.cookies["sessionid"].value)
    old_copy = store.load()
    response = owner.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # Redis serves the copy again, and no list names it (restored from a replica taken before).
    caches["state"].set(store.cache_key, old_copy, 3600)
    another_process(monkeypatch)
    assert thief.get(PROFILE).status_code == 302
    assert owner.get(PROFILE).status_code == 200  # warms the profile cache the change emptied
    settings.SESSION_REVOCATIONS_REFRESH_SECONDS = 3600  # measure a request between two refreshes
    with CaptureQueriesContext(connection) as queries:
        assert owner.get(PROFILE).status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]  # the session that changed the password: no query
