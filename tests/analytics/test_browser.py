"""In Chromium: enrol in a path, complete a module, check in a habit from the dashboard, run the
timer for a few seconds; the dashboard shows all four, and its SVG charts follow both themes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from habits import services as habits
from learning import services as learning
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user
from timetracking.models import TimeEntry

pytestmark = browser_marks


@pytest.fixture
def page(live_server: Any, transactional_db: None) -> Iterator[Any]:
    make_user(username="first")  # the first user exists, so no first-run redirect
    user = make_user(username="learner", timezone="Europe/Lisbon")
    creator = make_user(username="teacher")
    path = learning.create_path(creator, title="Caching 101", is_published=True, category="devops")
    learning.add_module(path, title="Why cache")
    learning.add_module(path, title="Invalidation")
    habits.create_habit(user, name="Read a chapter")
    with chromium() as browser:
        tab = signed_in_page(browser, live_server.url, user)
        tab.path_id = path.pk
        yield tab


def fills(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "svg.chart rect.series-0, svg.chart rect.series-2", "els => els.map(e => getComputedStyle(e).fill)"
    )


def test_the_dashboard_shows_a_module_a_check_in_and_tracked_time_in_both_themes(page: Any) -> None:
    base = page.base_url
    page.emulate_media(color_scheme="light")

    page.goto(f"{base}/learning/")
    page.get_by_role("link", name="Caching 101").first.click()
    page.click("#enrol")
    page.wait_for_selector("text=Your progress:")
    page.get_by_role("link", name="Why cache").click()
    page.click("#module-done")
    page.wait_for_selector("h1:has-text('Invalidation')")  # moved on to the next module

    page.goto(f"{base}/time/")
    page.fill("#id_description", "Reading about Redis")
    page.click("#timer-start")
    page.wait_for_selector("#timer-stop")
    page.wait_for_timeout(3000)  # the timer runs for a few seconds
    page.click("#timer-stop")
    page.wait_for_selector("#timer-start")
    entry = TimeEntry.objects.get()
    assert entry.duration_seconds is not None and entry.duration_seconds >= 3

    page.goto(f"{base}/analytics/")
    page.evaluate("window.__samePage = true")
    habit_row = page.locator("#dashboard-habits li").first
    assert "0/1" in habit_row.inner_text()
    habit_row.locator("button.check-in").click()  # one tap, swapped in place by htmx
    page.wait_for_selector("#dashboard-habits .habit-count:has-text('1/1')")
    assert page.evaluate("window.__samePage") is True

    page.reload()
    learning_card = page.locator("#learning-progress").inner_text()
    assert "Caching 101" in learning_card and "1/2 modules" in learning_card
    assert "1/1" in page.locator("#dashboard-habits").inner_text()
    tracked = page.locator("#stat-time strong").inner_text()
    assert tracked.startswith("0:00:0") and tracked != "0:00:00"
    activity = page.locator("#activity-h + p").inner_text()
    assert "1 modules completed" in activity and "1 habit check-ins" in activity
    streaks = page.locator("#streaks").inner_text()
    assert "1 day learning" in streaks and "1 day of habits" in streaks

    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 4
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50
    light = fills(page)
    assert light and all(fill.startswith("rgb(") for fill in light)
    page.click("[data-theme-toggle]")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = fills(page)
    assert len(dark) == len(light) and dark != light
    assert "rgb(122, 162, 255)" in dark and "rgb(43, 89, 195)" in light  # --chart-1 in each theme
    assert page.locator("details.chart-data summary").first.inner_text().endswith("as a table")
