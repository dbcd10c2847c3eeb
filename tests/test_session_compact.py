"""The compact Redis copy of a session: every session dict comes back equal, with its facts once."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.sessions import compact
from accounts.sessions.metadata import META_KEY, SNAPSHOT_KEY
from core.redis.serializers import dumps, loads
from tests.factories import make_user
from tests.test_sessions import BROWSER_AGENT, login
from tools.redis_process import RedisProcess

HASH = "e4f6b1e763bb2c76e854006756419b7e5dc69f54eaba4de24dbaaa2a2622686d"
SNAPSHOT = {
    "id": 7,
    "username": "countess",
    "email": "ada@example.com",
    "full_name": "Ada Lovelace",
    "role": "user",
    "timezone": "Europe/London",
    "is_active": True,
    "is_staff": False,
    "is_superuser": True,
}
SIGNED_IN: dict[str, Any] = {
    "account_authentication_methods": [{"method": "password", "at": 1796041981.5, "username": "countess"}],
    "account_authentication_methods_user": "7",
    SESSION_KEY: "7",
    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
    HASH_SESSION_KEY: HASH,
    META_KEY: {"ip": "2001:db8::1", "ua": "Firefox", "since": 1796041981, "seen": 1796042100},
    SNAPSHOT_KEY: SNAPSHOT,
    "_session_expiry": 86400,
}


def _round_trip(data: dict[str, Any]) -> dict[str, Any]:
    return compact.unpack(loads(dumps(compact.pack(data))))  # as it goes through Redis


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"_csrftoken": "abc", "django.contrib.messages": "[]"},  # anonymous
        SIGNED_IN,
        {**SIGNED_IN, META_KEY: {**SIGNED_IN[META_KEY], "ip": None}},
        {**SIGNED_IN, META_KEY: {**SIGNED_IN[META_KEY], "ip": "::ffff:127.0.0.1"}},
        {**SIGNED_IN, META_KEY: {"ip": "127.0.0.1", "ua": "x", "since": 5}},  # not the usual record
        {**SIGNED_IN, BACKEND_SESSION_KEY: "some.removed.Backend"},
        {**SIGNED_IN, HASH_SESSION_KEY: HASH.upper()},
        {**SIGNED_IN, SESSION_KEY: "07"},
        {**SIGNED_IN, SNAPSHOT_KEY: {**SNAPSHOT, "id": 8}},
        {**SIGNED_IN, SNAPSHOT_KEY: {**SNAPSHOT, "email": None}},
        {**SIGNED_IN, "account_authentication_methods": [{"method": "mfa", "at": 1, "type": "totp"}]},
        {**SIGNED_IN, "account_authentication_methods_user": "8", "_session_expiry": "2030-01-01"},
        {k: v for k, v in SIGNED_IN.items() if k != SNAPSHOT_KEY},
    ],
)
def test_every_session_dict_comes_back_equal(data: dict[str, Any]) -> None:
    back = _round_trip(data)
    assert back == data
    assert {k: type(v) for k, v in back.items()} == {k: type(v) for k, v in data.items()}


def test_the_signed_in_facts_are_stored_once_without_their_names() -> None:
    packed = dumps(compact.pack(SIGNED_IN))
    named = dumps(SIGNED_IN)
    for name in (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY, META_KEY, SNAPSHOT_KEY, "username"):
        assert name.encode() not in packed
    assert b"ModelBackend" not in packed and HASH.encode() not in packed
    assert packed.count(b"countess") == 1  # the username once, not also in allauth's record
    assert len(packed) < len(named) / 2


def test_a_backend_no_longer_listed_is_left_out_as_django_would_refuse_it(settings) -> None:  # type: ignore[no-untyped-def]
    packed = loads(dumps(compact.pack(SIGNED_IN)))
    settings.AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
    assert BACKEND_SESSION_KEY not in compact.unpack(packed)


def test_a_copy_in_the_older_named_format_is_still_read() -> None:
    assert compact.unpack(SIGNED_IN) == SIGNED_IN


@pytest.mark.django_db
def test_the_redis_copy_is_the_compact_array_and_signs_in(
    settings,
    private_redis_roles: RedisProcess,  # type: ignore[no-untyped-def]
) -> None:
    user = make_user()
    client = Client()
    login(client, user, agent=BROWSER_AGENT)
    key = f"{settings.REDIS_KEY_PREFIX}:1:s:{client.session.session_key}"
    stored = loads(redis.Redis(port=private_redis_roles.port).get(key))
    assert type(stored) is list and stored[0] == compact.FORMAT and stored[1] == user.pk
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200 and user.username.encode() in response.content
