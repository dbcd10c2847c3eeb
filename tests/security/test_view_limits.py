"""Per-view limits through django-ratelimit on the state Redis: sign-up, password reset per address,
share links by token, message sends; refusals use the 429 page (or JSON) and its headers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import SiteSettings
from content import services as content_services
from core.ratelimit import metrics
from tests.factories import make_user
from tests.ratelimit.conftest import default_rows
from tests.ratelimit.test_outage import point_state_role_at
from tools.redis_process import free_port

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _signup(client: Client, n: int) -> Any:
    password = "a long enough passphrase"
    data = {"email": f"new{n}@example.com", "username": f"new{n}"}
    data.update(password1=password, password2=password)
    return client.post(reverse("account_signup"), data)


def _case_signup() -> Callable[[], Any]:
    make_user()
    settings_row = SiteSettings.load()
    settings_row.signup_open = True
    settings_row.save()
    client = Client(REMOTE_ADDR="198.51.100.1")
    counter = iter(range(100))
    return lambda: _signup(client, next(counter))


def _case_password_reset_email() -> Callable[[], Any]:
    user = make_user()
    counter = iter(range(100))  # each request from another address: only the e-mail budget is shared
    return lambda: Client(REMOTE_ADDR=f"198.51.100.{next(counter) + 10}").post(
        reverse("account_reset_password"), {"email": user.email.upper()}
    )


def _case_share_link() -> Callable[[], Any]:
    owner = make_user()
    stored = content_services.create_file(owner, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"))
    link = content_services.create_share_link(stored)
    client = Client(REMOTE_ADDR="198.51.100.2")
    paths = iter([reverse("content:share_page", args=[link.token]), "/content/s/" + "x" * 43 + "/"] * 50)
    return lambda: client.get(next(paths))  # unknown tokens spend the same budget (no enumeration)


CASES = {
    "signup": _case_signup,
    "password_reset_email": _case_password_reset_email,
    "share_link": _case_share_link,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_view_policy_limits_its_requests(name: str, settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(**{name: {"limit": 2}})
    request = CASES[name]()
    before = metrics.count(metrics.DENIED, name)
    responses = [request() for _ in range(3)]
    assert [r.status_code == 429 for r in responses] == [False, False, True]
    assert responses[1]["RateLimit-Limit"] == "2" and responses[1]["RateLimit-Remaining"] == "0"
    refused = responses[2]
    assert refused["RateLimit-Policy"] == f"2;w={_window(name)}"
    assert int(refused["Retry-After"]) >= 1
    if refused["Content-Type"].startswith("application/json"):
        assert json.loads(refused.content)["policy"] == name
    else:
        assert b"Slow down" in refused.content
    assert metrics.count(metrics.DENIED, name) == before + 1


def _window(name: str) -> str:
    from core.ratelimit.policies import get

    return f"{get(name).window:g}"


def test_state_redis_down_falls_back_to_the_per_process_limiter(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(share_link={"limit": 2})
    point_state_role_at(settings, f"redis://127.0.0.1:{free_port()}/0")  # nobody listens there
    request = _case_share_link()
    before = metrics.count(metrics.LOCAL_FALLBACK, "share_link")
    assert [request().status_code for _ in range(3)] == [200, 404, 429]
    assert metrics.count(metrics.LOCAL_FALLBACK, "share_link") == before + 3


def test_a_per_view_check_costs_one_round_trip_then_two(settings: Any, round_trips: Any) -> None:
    """The measurement behind docs/ratelimiting.md: django-ratelimit opens a window with SET NX and
    counts every later request with SET NX (refused) plus an EVAL that increments."""
    settings.RATE_LIMIT_POLICIES = default_rows()
    request = _case_share_link()
    per_request = []
    for _ in range(3):
        with round_trips() as sent:
            request()
        per_request.append(sum(1 for packet in sent if settings.RATELIMIT_CACHE_PREFIX.encode() in packet))
    assert per_request == [1, 2, 2]
