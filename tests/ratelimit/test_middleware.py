"""The middleware: headers, the 429 page or JSON body, identities, matching and its Redis/database cost."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.ratelimit import metrics
from core.redis import keys
from core.redis.client import get_client
from tests.factories import make_user
from tests.ratelimit.conftest import FakeClock, row

pytestmark = pytest.mark.django_db
MISSING_PAGE = "/no-such-page/"  # a 404: the cheapest request the limiter still sees
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def existing_user() -> Any:
    """A user exists, so the first-run redirect to /setup/ is out of the way."""
    return make_user()


def test_limit_plus_one_gives_exactly_one_429_with_headers_then_passes_after_the_window(
    use_policies: Callable[..., None], app_clock: FakeClock
) -> None:
    use_policies(row(name="general", limit=3, window=60))
    client = Client()
    responses = [client.get(MISSING_PAGE) for _ in range(4)]
    assert [r.status_code for r in responses] == [404, 404, 404, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    for response in responses:
        assert response["RateLimit-Limit"] == response["X-RateLimit-Limit"] == "3"
        assert response["RateLimit-Reset"] == "60"
        assert response["RateLimit-Policy"] == "3;w=60"
        assert abs(int(response["X-RateLimit-Reset"]) - (time.time() + 60)) <= 2  # a Unix time
    assert "Retry-After" not in responses[0]
    assert responses[3]["Retry-After"] == "60"
    app_clock.advance(59)
    assert client.get(MISSING_PAGE).status_code == 429
    app_clock.advance(1)
    passed = client.get(MISSING_PAGE)
    assert passed.status_code == 404
    assert passed["RateLimit-Remaining"] == "2"


@pytest.mark.parametrize(
    ("algorithm", "spacing", "wait"),
    [
        ("sliding_window", 15, "10"),  # requests at 0, 15, 30, 45 s; at 50 s the first leaves in 10 s
        ("token_bucket", 0, "10"),  # four at 0 s empty the bucket; at 5 s the next token is 10 s away
        ("sliding_window_counter", 0, "70"),  # four at 0 s; one has slid out a quarter into the next window
    ],
)
def test_a_denial_reports_the_same_moment_in_reset_and_retry_after(
    use_policies: Callable[..., None], app_clock: FakeClock, algorithm: str, spacing: int, wait: str
) -> None:
    """IETF draft: with Retry-After present, RateLimit-Reset references the same point in time."""
    use_policies(row(name="general", limit=4, window=60, algorithm=algorithm))
    client = Client()
    for _ in range(4):
        assert client.get(MISSING_PAGE).status_code == 404
        app_clock.advance(spacing)
    app_clock.advance(5 - spacing)
    denied = client.get(MISSING_PAGE)
    assert denied.status_code == 429
    assert denied["Retry-After"] == wait
    assert denied["RateLimit-Reset"] == wait
    assert abs(int(denied["X-RateLimit-Reset"]) - (time.time() + int(wait))) <= 2
    assert json.loads(client.get(MISSING_PAGE, **JSON).content)["retry_after"] == int(wait)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        (MISSING_PAGE, {"HTTP_ACCEPT": "application/json"}),
        (MISSING_PAGE, {"HTTP_HX_REQUEST": "true"}),
    ],
)
def test_htmx_and_json_clients_get_a_json_429(
    use_policies: Callable[..., None], path: str, headers: dict[str, str]
) -> None:
    use_policies(row(name="general", limit=1))
    client = Client()
    client.get(path, **headers)
    response = client.get(path, **headers)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["error"] == "rate_limited"
    assert body["policy"] == "general"
    assert body["retry_after"] == int(response["Retry-After"]) == 60


def test_browsers_get_the_friendly_page(use_policies: Callable[..., None]) -> None:
    use_policies(row(name="general", limit=1, window=300, description="pages"))
    client = Client()
    browser = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    client.get(reverse("account_login"), **browser)
    response = client.get(reverse("account_login"), **browser)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert [t.name for t in response.templates][:2] == ["429.html", "base.html"]
    page = response.content.decode()
    assert "Slow down a little" in page
    assert "try again in <strong>5 minutes</strong>" in page
    assert f'href="{reverse("account_login")}"' in page  # try again


def test_signed_in_users_spend_their_own_budget_and_anonymous_clients_their_address(
    use_policies: Callable[..., None], existing_user: Any
) -> None:
    use_policies(row(name="general", limit=2))
    signed_in = Client()
    signed_in.force_login(existing_user)
    assert [signed_in.get(MISSING_PAGE).status_code for _ in range(3)] == [404, 404, 429]
    anonymous = Client()
    assert anonymous.get(MISSING_PAGE).status_code == 404  # 127.0.0.1 has its own budget
    state = get_client("state")
    assert state.zcard(keys.rate_limit("general", f"user:{existing_user.pk}", "log")) == 2
    assert state.zcard(keys.rate_limit("general", "ip:127.0.0.1", "log")) == 1


def test_forwarded_for_is_believed_only_through_a_trusted_proxy(
    use_policies: Callable[..., None], settings: Any
) -> None:
    use_policies(row(name="general", limit=1))
    spoofed = Client(HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.get(MISSING_PAGE).status_code == 404
    assert Client(HTTP_X_FORWARDED_FOR="198.51.100.2").get(MISSING_PAGE).status_code == 429  # same peer
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client(HTTP_X_FORWARDED_FOR="198.51.100.3").get(MISSING_PAGE).status_code == 404
    assert Client(HTTP_X_FORWARDED_FOR="198.51.100.3").get(MISSING_PAGE).status_code == 429


def test_static_files_and_health_checks_are_exempt(use_policies: Callable[..., None]) -> None:
    use_policies(row(name="general", limit=1))
    client = Client()
    for path in ["/static/css/trackeep.css", "/healthz", "/readyz", "/static/no-such-file.js"] * 2:
        response = client.get(path)
        assert response.status_code != 429
        assert "RateLimit-Limit" not in response
    assert client.get(MISSING_PAGE).status_code == 404


def test_a_specific_policy_replaces_the_general_one_and_methods_narrow_it(
    use_policies: Callable[..., None],
) -> None:
    use_policies(
        row(name="general", limit=50),
        row(name="uploads", limit=1, paths=["/content/files/"], methods=["POST"], fallback=False),
        row(name="login_page", limit=1, url_names=["account_login"], fallback=False),
    )
    client = Client()
    assert client.post("/content/files/", **JSON).status_code != 429
    denied = client.post("/content/files/new/", **JSON)
    assert denied.status_code == 429
    assert json.loads(denied.content)["policy"] == "uploads"
    assert client.get("/content/files/")["RateLimit-Limit"] == "50"  # GET: general
    assert client.get(reverse("account_login"))["RateLimit-Limit"] == "1"  # by URL name
    assert client.get(reverse("account_login"), **JSON).status_code == 429


def test_general_check_is_one_round_trip_and_no_database_query(
    use_policies: Callable[..., None], round_trips: Callable[..., Any], existing_user: Any
) -> None:
    client = Client()
    client.force_login(existing_user)
    profile = reverse("accounts:profile")
    use_policies()  # no limits: the baseline cost of the page
    client.get(profile)  # warms connections and the profile cache
    with round_trips() as baseline:
        client.get(profile)
    use_policies(row(name="general", limit=100))
    client = Client()
    client.force_login(existing_user)
    client.get(profile)
    with round_trips() as sent, CaptureQueriesContext(connection) as queries:
        response = client.get(profile)
    assert response.status_code == 200
    assert response["RateLimit-Remaining"] == "98"
    assert len(queries) == 0, [q["sql"] for q in queries]
    # The header's unread counts cost a round trip of their own without a limiter; with it they ride
    # in the limiter's pipeline (core.redis.prefetch), so the check adds no round trip to the page.
    assert len(sent) == len(baseline)
    limiter_packets = [packet for packet in sent if b":rl:" in packet]
    assert len(limiter_packets) == 1
    assert limiter_packets[0].count(b"EVALSHA") == 1
    assert b"HGETALL" in limiter_packets[0]
    assert not any(b"HGETALL" in packet for packet in sent if packet is not limiter_packets[0])


def test_several_matching_policies_are_checked_in_one_round_trip(
    use_policies: Callable[..., None], round_trips: Callable[..., Any]
) -> None:
    use_policies(
        row(name="per_minute", limit=10, paths=["/x/"], fallback=False),
        row(name="per_hour", limit=2, window=3600, algorithm="fixed_window", paths=["/x/"], fallback=False),
        row(name="bucket", limit=5, algorithm="token_bucket", paths=["/x/"], fallback=False),
    )
    client = Client()
    client.get("/x/")
    with round_trips() as sent:
        response = client.get("/x/")
    assert [packet.count(b"EVALSHA") for packet in sent] == [3]
    assert response["RateLimit-Limit"] == "2"  # the policy with the fewest requests left speaks
    assert response["RateLimit-Remaining"] == "0"
    denied = client.get("/x/", **JSON)
    assert denied.status_code == 429
    assert json.loads(denied.content)["policy"] == "per_hour"


def test_limiting_happens_and_nothing_failed_open(use_policies: Callable[..., None]) -> None:
    use_policies(row(name="general", limit=1))
    before = metrics.count(metrics.FAIL_OPEN)
    client = Client()
    assert [client.get(MISSING_PAGE).status_code for _ in range(2)] == [404, 429]
    assert metrics.count(metrics.FAIL_OPEN) == before
