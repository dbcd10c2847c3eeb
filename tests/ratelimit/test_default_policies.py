"""Every policy shipped in settings really limits the requests it is meant for (no silent fail-open).

Each case keeps the shipped policy (paths, methods, algorithm, identity) and lowers only its limit,
so a few requests prove it; the general policy is also driven through its real limit of 100.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from core.ratelimit import metrics
from messaging import services as messaging_services
from tests.factories import PASSWORD, make_user
from tests.ratelimit.conftest import default_rows

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def get(path: str) -> Callable[[Client, Any], Any]:
    return lambda client, user: client.get(path, **JSON)


def post(path: str, data: dict[str, str] | None = None) -> Callable[[Client, Any], Any]:
    return lambda client, user: client.post(path, data or {}, **JSON)


def send_message(client: Client, user: Any) -> Any:
    notes = messaging_services.notes_to_self(user)
    return client.post(reverse("messaging:send", args=[notes.pk]), {"body": "hi"}, **JSON)


def react(client: Client, user: Any) -> Any:
    notes = messaging_services.notes_to_self(user)
    message = notes.messages.first() or messaging_services.send_message(user, notes.pk, "react to me")
    return client.post(reverse("messaging:react", args=[notes.pk, message.pk]), {"emoji": "🎉"}, **JSON)


MIDDLEWARE_CASES: dict[str, Callable[[Client, Any], Any]] = {
    "general": get("/no-such-page/"),
    "search": get("/search/?q=redis"),
    "expensive": get("/content/transfer/bookmarks/export/"),
    "uploads": post("/content/files/upload/"),
    "password_reset": post("/accounts/password/reset/", {"email": "someone@example.com"}),
    "messages": send_message,
    "reactions": react,
}


# Per-view (django-ratelimit) policies: tests/security/test_view_limits.py and test_two_factor_limit.py.
PER_VIEW = {"two_factor", "signup", "password_reset_email", "share_link"}


def test_every_shipped_policy_has_a_case_here() -> None:
    shipped = {row["name"] for row in django_settings.RATE_LIMIT_POLICIES}
    assert shipped == {*MIDDLEWARE_CASES, "login", *PER_VIEW, "typing"}  # typing: test_socket_limits


@pytest.mark.parametrize("name", sorted(MIDDLEWARE_CASES))
def test_the_shipped_policy_limits_its_requests(name: str, settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(**{name: {"limit": 2}})
    user = make_user()
    client = Client()
    client.force_login(user)
    before = metrics.count(metrics.FAIL_OPEN)
    responses = [MIDDLEWARE_CASES[name](client, user) for _ in range(3)]
    assert [r.status_code == 429 for r in responses] == [False, False, True]
    assert json.loads(responses[2].content)["policy"] == name
    assert responses[1]["RateLimit-Remaining"] == "0"
    assert metrics.count(metrics.FAIL_OPEN) == before


def test_editing_and_deleting_files_do_not_spend_the_upload_budget(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(uploads={"limit": 1})
    client = Client()
    client.force_login(make_user())
    for path in ["/content/files/1/edit/", "/content/files/1/delete/", "/content/files/delete/"]:
        response = client.post(path, **JSON)
        assert response["RateLimit-Limit"] == "100", path  # the general policy
    assert client.post("/content/files/upload/", **JSON)["RateLimit-Limit"] == "1"  # uploads


def test_login_attempts_are_limited_per_account_even_with_the_right_password(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(login={"limit": 3})
    user = make_user()
    for n in range(3):  # failures from three addresses: the account's budget is spent
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(
            reverse("account_login"), {"login": user.username, "password": "wrong"}
        )
    response = Client(REMOTE_ADDR="192.0.2.9").post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with the error, not a redirect
    assert b"Too many failed login attempts" in response.content


def test_successful_logins_give_their_attempt_back(settings: Any) -> None:
    settings.RATE_LIMIT_POLICIES = default_rows(login={"limit": 2})
    user = make_user()
    for _ in range(4):
        client = Client()
        response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
        assert response.status_code == 302


def test_the_general_policy_admits_exactly_its_shipped_limit_per_minute() -> None:
    client = Client()
    make_user()
    statuses = [client.get("/no-such-page/").status_code for _ in range(101)]
    assert statuses.count(429) == 1
    assert statuses[-1] == 429
