"""Email verification and two-factor (issue 15 item 1): verification is asked for only when mail
can reach people; then the account pages offer "resend", and an admin can mark addresses verified."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.models import SiteSettings
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "a long and unusual passphrase"


def sign_up(username: str = "newbie") -> Client:
    """A visitor signs up (sign-up opened by the admin) and is signed in by it."""
    make_user(is_staff=True, is_superuser=True)
    site = SiteSettings.load()
    site.signup_open = True
    site.save()
    client = Client()
    client.post(
        reverse("account_signup"),
        {"email": f"{username}@example.com", "username": username, "password1": PASSPHRASE,
         "password2": PASSPHRASE},
    )  # fmt: skip
    assert get_user_model().objects.filter(username=username).exists()
    return client


def open_totp_activation(client: Client) -> Any:
    """The page that turns two-factor on (confirming the password first, as allauth asks)."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        client.post(response["Location"], {"password": PASSPHRASE})
        response = client.get(reverse("mfa_activate_totp"))
    return response


@pytest.fixture
def mail_delivers(settings: Any) -> None:
    """As with EMAIL_URL pointing at a real mail server (settings derive these from it)."""
    settings.EMAIL_DELIVERS = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    settings.MFA_ALLOW_UNVERIFIED_EMAIL = False


def test_without_outgoing_mail_a_new_user_can_turn_on_two_factor() -> None:
    client = sign_up()
    response = open_totp_activation(client)
    assert response.status_code == 200 and b"Authenticator secret" in response.content
    assert b"verified your email" not in response.content
    assert b"Resend" not in client.get(reverse("mfa_index")).content  # nothing to verify: no nagging


def test_with_outgoing_mail_two_factor_waits_for_a_verified_address(
    mail_delivers: None, mailoutbox: list[Any]
) -> None:
    client = sign_up()
    assert len(mailoutbox) == 1  # the verification link went out at sign-up
    blocked = client.get(reverse("mfa_activate_totp"), follow=True)
    page = blocked.content.decode()
    assert blocked.redirect_chain[-1][0] == reverse("mfa_index")
    assert "Verify your email address first" in page
    assert "newbie@example.com" in page and reverse("accounts:resend_verification") in page

    resent = client.post(reverse("accounts:resend_verification"), {"next": reverse("mfa_index")})
    assert resent.status_code == 302 and resent["Location"] == reverse("mfa_index")
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["newbie@example.com"]
    assert "/accounts/confirm-email/" in mailoutbox[1].body

    client.get(reverse("accounts:profile"))  # the profile says so too
    assert "not verified" in client.get(reverse("accounts:profile")).content.decode()


def test_an_admin_marks_an_address_verified(mail_delivers: None) -> None:
    client = sign_up()
    newbie = get_user_model().objects.get(username="newbie")
    admin = Client()
    admin.force_login(get_user_model().objects.get(is_superuser=True))
    changelist = reverse("admin:accounts_user_changelist")
    response = admin.post(changelist, {"action": "mark_email_verified", "_selected_action": [newbie.pk]})
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=newbie).verified
    assert "1 user" in admin.get(changelist).content.decode()  # the confirmation message
    assert open_totp_activation(client).status_code == 200


def test_resend_is_a_post_and_never_fails_loudly(mail_delivers: None, mailoutbox: list[Any]) -> None:
    client = sign_up()
    assert client.get(reverse("accounts:resend_verification")).status_code == 405
    EmailAddress.objects.update(verified=True)
    done = client.post(reverse("accounts:resend_verification"), follow=True)
    assert done.status_code == 200 and len(mailoutbox) == 1  # nothing left to verify: no mail
    assert Client().post(reverse("accounts:resend_verification")).status_code == 302  # to the login


@pytest.mark.parametrize(
    ("email_url", "delivers"), [("", False), ("consolemail://", False), ("smtp://mail.example:25", True)]
)
def test_settings_ask_for_verification_only_when_mail_is_delivered(email_url: str, delivers: bool) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "ACCOUNT_", "MFA_"))}
    if email_url:
        env["EMAIL_URL"] = email_url
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.EMAIL_DELIVERS, settings.MFA_ALLOW_UNVERIFIED_EMAIL, "
        "settings.ACCOUNT_EMAIL_VERIFICATION)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "trackeep.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out == ([str(delivers), str(not delivers), "optional" if delivers else "none"])
