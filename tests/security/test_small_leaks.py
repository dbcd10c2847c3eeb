"""Item 14: the 429 page's "Try again" link stays on this site, opening a notification needs a POST,
and anonymous /readyz callers learn only ready or not (details: staff and configured addresses)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from messaging import services
from messaging.models import Notification
from tests.factories import make_user, signed_in
from tests.ratelimit.conftest import row

pytestmark = pytest.mark.django_db


def _try_again(html: str) -> str:
    return re.search(r'<a class="button" href="([^"]*)">Try again</a>', html).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("path", ["//evil.example/path", "/\\evil.example/path", "///evil.example/"])
def test_try_again_link_never_leaves_the_site(path: str, settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = [
        row(limit=1),
        row(
            name="login",
            algorithm="fixed_window",
            identity="ip_and_account",
            fallback=False,
            enforced_by="accounts.login_throttle",
        ),
    ]
    client = Client()
    client.get("/", PATH_INFO=path)
    page = client.get("/", PATH_INFO=path)
    assert page.status_code == 429
    html = page.content.decode()
    assert "evil.example" not in html
    assert _try_again(html) == "/"  # falls back to the home page


def test_try_again_link_keeps_an_ordinary_path(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = [
        row(limit=1),
        row(
            name="login",
            algorithm="fixed_window",
            identity="ip_and_account",
            fallback=False,
            enforced_by="accounts.login_throttle",
        ),
    ]
    client = Client()
    client.get("/search/")
    assert _try_again(client.get("/search/").content.decode()) == "/search/"


def _notification(user: Any) -> Notification:
    sender = make_user()
    conversation = services.start_direct(sender, user)
    services.send_message(sender, conversation.pk, "hello")
    return Notification.objects.get(user=user)


def test_get_on_a_notification_does_not_mark_it_read() -> None:
    user = make_user()
    notification = _notification(user)
    client = signed_in(user)
    url = reverse("messaging:notification_open", args=[notification.pk])
    assert client.get(url).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None
    opened = client.post(url)
    assert opened.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notifications_page_opens_with_a_post_form() -> None:
    user = make_user()
    notification = _notification(user)
    html = signed_in(user).get(reverse("messaging:notifications")).content.decode()
    url = reverse("messaging:notification_open", args=[notification.pk])
    assert f'<form method="post" action="{url}"' in html
    assert f'href="{url}"' not in html


def test_anonymous_readyz_reveals_no_redis_status() -> None:
    response = Client(REMOTE_ADDR="203.0.113.5").get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True}


def test_staff_see_readyz_details() -> None:
    client = Client()
    client.force_login(make_user(is_staff=True))
    body = client.get("/readyz").json()
    assert body["ready"] is True and body["database"] is True and "state" in body["redis"]


def test_configured_addresses_see_readyz_details(settings: Any) -> None:
    settings.READYZ_DETAIL_NETWORKS = ["10.10.0.0/16"]
    assert "redis" in Client(REMOTE_ADDR="10.10.3.4").get("/readyz").json()
    assert "redis" not in Client(REMOTE_ADDR="10.11.3.4").get("/readyz").json()
