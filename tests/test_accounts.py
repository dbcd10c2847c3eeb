"""Accounts: first run, closed sign-up, two-factor login, login throttling, profile cache."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.caches import PROFILE
from accounts.models import SiteSettings
from accounts.sessions.metadata import META_KEY
from core.redis import keys
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def post_login(client: Client, login: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": login, "password": password}, **extra)


def test_fresh_instance_leads_to_setup_which_creates_the_admin() -> None:
    client = Client()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("setup")
    page = client.post(
        reverse("setup"),
        {
            "email": "admin@example.com",
            "username": "admin",
            "password1": "a long admin passphrase",
            "password2": "a long admin passphrase",
        },
    )
    assert page.status_code == 302
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.role == "admin" and admin.is_staff
    assert client.get("/").status_code == 200
    assert Client().get(reverse("setup")).status_code == 404  # closed once a user exists


def test_setup_form_errors_are_shown_not_500() -> None:
    response = Client().post(reverse("setup"), {"email": "nope", "username": "", "password1": "x"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert not get_user_model().objects.exists()


def test_signup_is_closed_until_an_admin_opens_it() -> None:
    make_user()
    data = {
        "email": "new@example.com",
        "username": "newbie",
        "password1": "another long passphrase",
        "password2": "another long passphrase",
    }
    closed = Client().post(reverse("account_signup"), data)
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert closed.status_code == 200 and b"closed" in closed.content.lower()
    settings_row = SiteSettings.load()
    settings_row.signup_open = True
    settings_row.save()
    Client().post(reverse("account_signup"), data)
    assert get_user_model().objects.filter(username="newbie").exists()


def _current_totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_totp_is_required_and_a_recovery_code_works_once() -> None:
    user = make_user()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()

    client = Client()
    response = post_login(client, user.username)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("accounts:profile")).status_code == 302  # password alone: not in
    response = client.post(reverse("mfa_authenticate"), {"code": _current_totp(secret)})
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200

    for attempt, expect_ok in ((1, True), (2, False)):
        other = Client()
        post_login(other, user.username)
        other.post(reverse("mfa_authenticate"), {"code": codes[0]})
        status = other.get(reverse("accounts:profile")).status_code
        assert (status == 200) is expect_ok, f"recovery code attempt {attempt}"


def test_sixth_failed_login_for_an_account_is_refused_even_with_the_right_password() -> None:
    user = make_user()
    for n in range(5):
        post_login(Client(), user.username, "wrong", REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = post_login(Client(), user.username, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content


def test_failed_logins_from_one_ip_are_limited_across_accounts() -> None:
    users = [make_user() for _ in range(6)]
    for user in users[:5]:
        post_login(Client(), user.username, "wrong", REMOTE_ADDR="10.1.1.1")
    response = post_login(Client(), users[5].username, REMOTE_ADDR="10.1.1.1")
    assert b"Too many failed login attempts" in response.content
    ok = post_login(Client(), users[5].username, REMOTE_ADDR="10.1.1.2")
    assert ok.status_code == 302


def test_successful_logins_do_not_use_up_the_budget() -> None:
    user = make_user()
    for _ in range(7):
        assert post_login(Client(), user.username).status_code == 302


def test_admin_login_goes_through_the_throttled_login() -> None:
    make_user()
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def profile_key(user_id: int) -> str:
    return keys.family_entry_cache_key("profile", user_id, PROFILE.generation(user_id), ())


def test_cached_profile_holds_no_secrets_and_is_invalidated_on_update() -> None:
    user = make_user(full_name="Ada Lovelace")
    client = Client()
    post_login(client, user.username)
    assert b"Ada Lovelace" in client.get(reverse("accounts:profile")).content
    cached = caches["default"].get(profile_key(user.pk))
    assert cached["full_name"] == "Ada Lovelace"
    assert not {"password", "secret", "totp"} & {k.lower() for k in cached}
    client.post(
        reverse("accounts:profile_edit"),
        {"full_name": "Ada King", "username": user.username, "bio": "", "timezone": "Europe/London"},
    )
    assert caches["default"].get(profile_key(user.pk)) is None  # a new generation: the old entry is gone
    page = client.get(reverse("accounts:profile")).content
    assert b"Ada King" in page and b"Europe/London" in page


def test_profile_change_by_an_admin_reaches_the_users_open_session() -> None:
    user = make_user(full_name="Before")
    client = Client()
    post_login(client, user.username)
    user.refresh_from_db()
    user.full_name = "After"
    user.save()
    assert b"Welcome, After" in client.get("/").content


def test_deactivated_user_is_signed_out_everywhere() -> None:
    user = make_user()
    client = Client()
    post_login(client, user.username)
    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_by_email_signs_out_every_session(mailoutbox) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    device = Client()
    post_login(device, user.username)
    Client().post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 1
    link = next(word for word in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in word)
    browser = Client()
    form_page = browser.get(link, follow=True)
    new = "a brand new passphrase 7"
    browser.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    user.refresh_from_db()
    assert user.check_password(new)
    assert device.get(reverse("accounts:profile")).status_code == 302


def test_times_are_shown_in_the_users_own_time_zone() -> None:
    user = make_user(timezone="Asia/Tokyo")
    client = Client()
    post_login(client, user.username)
    signed_in_at = dt.datetime.fromtimestamp(client.session[META_KEY]["since"], tz=dt.UTC)
    page = client.get(reverse("accounts:sessions")).content.decode()
    tokyo = signed_in_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    utc = signed_in_at.astimezone(dt.UTC)
    assert tokyo.strftime("%-I:%M") in page
    assert utc.strftime("%-I:%M") not in page  # nine hours apart: never the same clock reading
