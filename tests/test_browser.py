"""Site-wide behaviour in Debian's Chromium (Playwright): failed htmx actions say so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from content import services
from content.models import Task
from core.ratelimit import policies
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user, signed_in

pytestmark = browser_marks


@pytest.fixture
def user(transactional_db: None) -> Any:
    return make_user(username="everyday")


@pytest.fixture
def page(live_server: Any, user: Any) -> Iterator[Any]:
    with chromium() as browser:
        yield signed_in_page(browser, live_server.url, user)


def test_a_rate_limited_htmx_click_shows_when_to_try_again(page: Any, user: Any) -> None:
    task = services.create_task(user, title="Water the plants")
    page.goto(f"{page.base_url}/content/tasks/")
    # Spend the rest of this user's general budget from another client (the limit is per user).
    other = signed_in(user)
    limit = policies.get("general").limit
    statuses = [other.get("/messages/counts/").status_code for _ in range(limit + 1)]
    assert statuses[-1] == 429
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    toast = page.locator("[data-tk-toasts] .toast[role=alert]")
    toast.wait_for()
    assert re.search(r"Too many requests: try again in \d+ (second|minute)", toast.inner_text())
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_a_server_error_or_lost_connection_is_shown(page: Any, user: Any) -> None:
    task = services.create_task(user, title="Feed the cat")
    page.goto(f"{page.base_url}/content/tasks/")
    page.route("**/toggle/", lambda route: route.fulfill(status=500, body="boom"))
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    page.locator(".toast", has_text="error 500").wait_for()
    page.unroute("**/toggle/")
    page.route("**/toggle/", lambda route: route.abort())
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    page.locator(".toast", has_text="could not be reached").wait_for()
