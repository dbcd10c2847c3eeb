"""The admin Redis page in Chromium: the charts render, and "invalidate user X's caches" empties X's
families while user Y's entries stay (checked through the registry and the keys)."""

from __future__ import annotations

from typing import Any

import pytest

from core.redis import families
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user
from tests.redis_admin.conftest import entries_of, fill_user_caches, hits, sample_a_few_times

pytestmark = [*browser_marks, pytest.mark.usefixtures("redis_server")]


def test_staff_sees_the_charts_and_invalidates_one_users_caches(
    live_server: Any, transactional_db: None
) -> None:
    sample_a_few_times(3)
    staff = make_user(is_staff=True, is_superuser=True)
    x, y = make_user(username="xavier"), make_user(username="yolanda")
    fill_user_caches(x.pk)
    fill_user_caches(y.pk)
    per_user = [f.name for f in families.families() if f.per_user]
    assert all(entries_of(name, x.pk) for name in per_user)

    with chromium() as browser:
        page = signed_in_page(browser, live_server.url, staff)
        page.goto(f"{live_server.url}/admin/")
        page.click("text=Redis")
        page.wait_for_url("**/admin/redis/")
        cache = page.locator('section[data-role="cache"]')
        assert cache.locator("svg.chart.line").count() == 10
        assert cache.locator("svg.chart.line polyline").count() >= 5
        box = cache.locator("svg.chart.line").first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 50  # drawn, not collapsed
        assert cache.locator("text=WARN").count() + cache.locator("text=OK").count() > 0

        page.fill("#invalidate-user", str(x.pk))
        page.click("#invalidate-form input[type=submit]")
        page.wait_for_selector(f"text=Caches of xavier (id {x.pk}) invalidated")

    for name in per_user:
        assert entries_of(name, x.pk) == [], name
        assert len(entries_of(name, y.pk)) == 1, name
    assert not any(hits(x.pk).values())
    assert all(hits(y.pk).values())
