"""Two people in two browsers, each on a different app server (so every live update crosses the
Redis channel layer): both join a challenge, one completes a task, and the other's open challenge
page shows the new leaderboard without a reload; then a follow rings the followed person's bell."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bench.appservers import AppCluster
from tests.browser_support import browser_marks, chromium

pytestmark = [*browser_marks, pytest.mark.slow]


@pytest.fixture
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def tab(browser: Any, cluster: AppCluster, instance: int, session: str) -> Any:
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = cluster.url(instance, "")
    return page


def test_leaderboard_and_follow_notifications_arrive_live(browser: Any, app_cluster: AppCluster) -> None:
    users = app_cluster.seed({"usernames": ["alice", "bob"]})["users"]
    alice = tab(browser, app_cluster, 0, users["alice"]["session"])
    bob = tab(browser, app_cluster, 1, users["bob"]["session"])

    alice.goto(f"{alice.base}/community/challenges/new/")
    alice.fill("#id_title", "Three tasks")
    alice.select_option("#id_target", "tasks_completed")
    alice.fill("#id_goal", "3")
    alice.click("main button[type=submit]")
    alice.wait_for_url(re.compile(r".*/community/challenges/\d+/$"))
    challenge_path = alice.url.removeprefix(alice.base)

    bob.goto(f"{bob.base}{challenge_path}")
    bob.click("[data-join]")
    bob.wait_for_selector("html[data-tk-challenge-socket=open]", state="attached")  # no eval: the CSP applies
    bob.evaluate("window.__notReloaded = true")
    assert bob.locator('.board-row[data-user="alice"] [data-progress]').inner_text() == "0 / 3"

    alice.goto(f"{alice.base}/content/tasks/new/")
    alice.fill("#id_title", "Push-ups")
    alice.select_option("#id_status", "completed")
    alice.click("main button[type=submit]")
    alice.wait_for_url(f"{alice.base}/content/tasks/")

    progress = bob.locator('.board-row[data-user="alice"] [data-progress]')
    progress.filter(has_text="1 / 3").wait_for()
    assert bob.evaluate("window.__notReloaded") is True
    assert bob.locator(".board-row").first.get_attribute("data-user") == "alice"  # alice leads now

    # A follow: alice waits on some page with her live socket open; bob follows her.
    alice.goto(f"{alice.base}/community/")
    alice.wait_for_selector("html[data-tk-socket=open]", state="attached")
    alice.evaluate("window.__notReloaded = true")
    assert alice.locator("[data-tk-bell-count]").is_hidden()
    bob.goto(f"{bob.base}/community/u/alice/")
    bob.click("[data-follow]")
    bob.locator("[data-unfollow]").wait_for()
    bell = alice.locator("[data-tk-bell-count]")
    bell.filter(has_text="1").wait_for()
    assert bell.is_visible() and alice.evaluate("window.__notReloaded") is True
