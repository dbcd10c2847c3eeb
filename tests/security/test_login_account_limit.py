"""Item 11: login attempts count per account (by id, whatever was typed), and a locked account still
lets its owner in from a new address with the right password *and* a valid second factor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from tests.security.conftest import current_code, post_login

pytestmark = pytest.mark.django_db
TOO_MANY = b"Too many failed login attempts"


def test_username_and_email_share_one_budget() -> None:
    user = make_user()
    for n in range(3):
        post_login(Client(REMOTE_ADDR=f"10.2.0.{n + 1}"), user.username, "wrong")
    for n in range(2):
        post_login(Client(REMOTE_ADDR=f"10.2.1.{n + 1}"), user.email.upper(), "wrong")
    response = post_login(Client(REMOTE_ADDR="10.2.9.9"), user.username)
    assert response.status_code == 200 and TOO_MANY in response.content


def test_locked_account_with_two_factor_lets_the_owner_in_from_a_new_address(
    two_factor_user: tuple[Any, str],
) -> None:
    user, secret = two_factor_user
    for n in range(5):
        post_login(Client(REMOTE_ADDR=f"10.3.0.{n + 1}"), user.email, "wrong")
    owner = Client(REMOTE_ADDR="10.3.9.9")
    assert post_login(owner, user.username)["Location"] == reverse("mfa_authenticate")
    assert owner.post(reverse("mfa_authenticate"), {"code": current_code(secret)}).status_code == 302
    assert owner.get(reverse("accounts:profile")).status_code == 200


def test_locked_account_with_two_factor_still_refuses_a_wrong_password(
    two_factor_user: tuple[Any, str],
) -> None:
    user, _ = two_factor_user
    for n in range(5):
        post_login(Client(REMOTE_ADDR=f"10.4.0.{n + 1}"), user.username, "wrong")
    response = post_login(Client(REMOTE_ADDR="10.4.9.9"), user.username, "still wrong")
    assert TOO_MANY in response.content


def test_locked_address_is_refused_even_for_a_two_factor_account(two_factor_user: tuple[Any, str]) -> None:
    user, _ = two_factor_user
    for _ in range(5):
        post_login(Client(REMOTE_ADDR="10.5.0.1"), make_user().username, "wrong")
    response = post_login(Client(REMOTE_ADDR="10.5.0.1"), user.username)
    assert TOO_MANY in response.content


def test_unknown_logins_are_limited_like_real_ones() -> None:
    """No account enumeration: a name nobody has runs out of attempts the same way."""
    make_user()  # past the first-run page
    for n in range(5):
        post_login(Client(REMOTE_ADDR=f"10.6.0.{n + 1}"), "nobody-here", "wrong")
    assert TOO_MANY in post_login(Client(REMOTE_ADDR="10.6.9.9"), "nobody-here", "wrong").content
