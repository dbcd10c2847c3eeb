"""Helpers of the security tests (issue 11, web side): logins, two-factor users, the sessions page."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user


def post_login(client: Client, login: str, password: str = PASSWORD) -> Any:
    return client.post(reverse("account_login"), {"login": login, "password": password})


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def wrong_code(secret: str) -> str:
    """A six-digit code that is not valid now (nor in the neighbouring steps the check tolerates)."""
    valid = {format_hotp_value(hotp_value(secret, int(time.time()) // 30 + d)) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


@pytest.fixture
def two_factor_user(db: None) -> tuple[Any, str]:
    """A user with TOTP switched on, and the TOTP secret."""
    user = make_user()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret
