"""Item 2: two-factor codes are limited per account and per session (5 per 5 minutes), in the state
Redis so every app instance shares the count; past the limit the half-login is dropped."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.redis.client import get_client
from tests.factories import make_user
from tests.security.conftest import current_code, post_login, wrong_code

pytestmark = pytest.mark.django_db
MFA = "/accounts/2fa/authenticate/"


def _half_logged_in(user: Any, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address)
    assert post_login(client, user.username)["Location"] == reverse("mfa_authenticate")
    return client


def test_sixth_code_is_refused_and_the_half_login_dropped(two_factor_user: tuple[Any, str]) -> None:
    user, secret = two_factor_user
    client = _half_logged_in(user)
    for _ in range(5):
        assert client.post(MFA, {"code": wrong_code(secret)}).status_code == 200  # "incorrect code"
    refused = client.post(MFA, {"code": current_code(secret)})
    assert refused.status_code == 429
    assert refused["Retry-After"] and refused["RateLimit-Limit"] == "5"
    assert b"Slow down" in refused.content  # the 429 page
    assert client.get(MFA)["Location"] == reverse("account_login")  # no half-login left
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_account_budget_is_shared_by_every_session(two_factor_user: tuple[Any, str]) -> None:
    user, secret = two_factor_user
    first = _half_logged_in(user, "192.0.2.1")
    for _ in range(5):
        first.post(MFA, {"code": wrong_code(secret)})
    second = _half_logged_in(user, "192.0.2.2")  # the password is right: the login step passes
    assert second.post(MFA, {"code": current_code(secret)}).status_code == 429


def test_one_session_cannot_spread_guesses_over_accounts() -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    users = [make_user(), make_user()]
    secrets = [generate_totp_secret() for _ in users]
    for user, secret in zip(users, secrets, strict=True):
        TOTP.activate(user, secret)
    client = _half_logged_in(users[0])
    for _ in range(3):
        client.post(MFA, {"code": wrong_code(secrets[0])})
    assert post_login(client, users[1].username)["Location"] == reverse("mfa_authenticate")
    for _ in range(2):
        assert client.post(MFA, {"code": wrong_code(secrets[1])}).status_code == 200
    assert client.post(MFA, {"code": current_code(secrets[1])}).status_code == 429  # session spent


def test_the_right_code_within_the_budget_signs_in(two_factor_user: tuple[Any, str]) -> None:
    user, secret = two_factor_user
    client = _half_logged_in(user)
    for _ in range(4):
        client.post(MFA, {"code": wrong_code(secret)})
    assert client.post(MFA, {"code": current_code(secret)}).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_count_lives_in_the_state_redis(two_factor_user: tuple[Any, str], redis_key_prefix: str) -> None:
    user, secret = two_factor_user
    client = _half_logged_in(user)
    client.post(MFA, {"code": wrong_code(secret)})
    pattern = f"{redis_key_prefix}:*{settings.RATELIMIT_CACHE_PREFIX}*"
    found = list(get_client("state").scan_iter(match=pattern))
    assert len(found) == 2  # one counter for the account, one for the session
    assert all(0 < get_client("state").ttl(key) <= 300 + 5 for key in found)
