"""Item 1: the Active sessions page addresses sessions by an opaque id, never by their key."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.sessions import stale
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db
REVOKE = re.compile(r'action="/accounts/sessions/([0-9a-f]+)/revoke/"')


def _key(client: Client) -> str:
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_sessions_page_shows_no_session_key_and_revokes_by_opaque_id() -> None:
    user = make_user()
    mine, other = signed_in(user), signed_in(user)
    page = mine.get(reverse("accounts:sessions")).content.decode()
    assert _key(mine) not in page and _key(other) not in page
    ids = REVOKE.findall(page)
    assert len(ids) == 1  # the other device; this one signs out with "Log out"
    assert mine.post(f"/accounts/sessions/{ids[0]}/revoke/").status_code == 302
    assert other.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert mine.get(reverse("accounts:profile")).status_code == 200


def test_a_raw_session_key_is_not_an_address() -> None:
    user = make_user()
    mine, other = signed_in(user), signed_in(user)
    assert mine.post(f"/accounts/sessions/{_key(other)}/revoke/").status_code == 404
    assert other.get(reverse("accounts:profile")).status_code == 200


def test_another_users_session_id_is_not_found() -> None:
    owner, stranger = make_user(), make_user()
    owner_client, stranger_client = signed_in(owner), signed_in(stranger)
    signed_in(owner)
    theirs = REVOKE.findall(owner_client.get(reverse("accounts:sessions")).content.decode())[0]
    assert stranger_client.post(f"/accounts/sessions/{theirs}/revoke/").status_code == 404


def test_missed_session_writes_are_logged_without_the_key(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    copies = stale.StaleCopies()
    monkeypatch.setattr(stale, "LIMIT", 0)
    with caplog.at_level(logging.WARNING, logger="django.contrib.sessions"):
        copies.add("sessionprefix.s3cr3tk3yvalue")
    assert caplog.records and "s3cr3tk3yvalue" not in caplog.text


def test_the_session_admin_shows_and_routes_by_no_key() -> None:
    user = make_user()
    device = signed_in(user)
    admin = Client()
    admin.force_login(make_user(is_staff=True, is_superuser=True))
    listing = admin.get("/admin/accounts/session/")
    assert listing.status_code == 200 and user.username in listing.content.decode()
    assert _key(device) not in listing.content.decode()
    assert admin.get(f"/admin/accounts/session/{_key(device)}/change/").status_code == 404
    signed_out = admin.post(
        "/admin/accounts/user/", {"action": "sign_out_everywhere", "_selected_action": [user.pk]}
    )
    assert signed_out.status_code == 302
    assert device.get(reverse("accounts:profile")).status_code == 302
