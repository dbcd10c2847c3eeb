"""Two people in two browsers see each other's messages appear without reloading."""

from __future__ import annotations

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


def open_conversation(
    browser: Any, cluster: AppCluster, instance: int, session: str, conversation: int
) -> Any:
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    page.goto(cluster.url(instance, f"/messages/c/{conversation}/"))
    page.evaluate("window.__notReloaded = true")
    page.wait_for_selector("html[data-tk-socket=open]", state="attached")  # no eval: the CSP applies
    return page


def send_from(page: Any, text: str) -> None:
    page.fill("[data-tk-composer] textarea", text)
    page.press("[data-tk-composer] textarea", "Enter")


def test_two_people_exchange_messages_live(browser: Any, app_cluster: AppCluster) -> None:
    seeded = app_cluster.seed({"usernames": ["alice", "bob"], "direct": ["alice", "bob"]})
    conversation = seeded["direct"]
    # Each person on a different app instance: the messages cross the Redis channel layer.
    alice = open_conversation(browser, app_cluster, 0, seeded["users"]["alice"]["session"], conversation)
    bob = open_conversation(browser, app_cluster, 1, seeded["users"]["bob"]["session"], conversation)

    send_from(alice, "Hi Bob <3")
    bob.locator(".tk-message .tk-body", has_text="Hi Bob <3").wait_for(timeout=5000)
    send_from(bob, "Hello Alice!")
    alice.locator(".tk-message .tk-body", has_text="Hello Alice!").wait_for(timeout=5000)

    bob.fill("[data-tk-composer] textarea", "typing…")
    alice.locator("[data-tk-typing]", has_text="bob is typing").wait_for(timeout=5000)

    for page in (alice, bob):
        assert page.evaluate("window.__notReloaded") is True
        assert page.locator(".tk-message").count() == 2
    assert alice.locator(".tk-message.mine .tk-body").inner_text() == "Hi Bob <3"


def open_page(browser: Any, cluster: AppCluster, instance: int, session: str, path: str) -> Any:
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
    page = context.new_page()
    page.goto(cluster.url(instance, path))
    page.evaluate("window.__notReloaded = true")
    page.wait_for_selector("html[data-tk-socket=open]", state="attached")  # no eval: the CSP applies
    return page


def test_badge_and_inbox_stay_live_away_from_the_conversation(browser: Any, app_cluster: AppCluster) -> None:
    """The Messages badge counts on a content page; a new conversation appears in the open inbox;
    a live message shows its time exactly as the page shows it after a reload (issue 15 items 2, 8)."""
    seeded = app_cluster.seed({"usernames": ["alice", "bob", "carol"], "direct": ["alice", "bob"]})
    users, direct = seeded["users"], seeded["direct"]
    alice = open_page(browser, app_cluster, 0, users["alice"]["session"], "/content/bookmarks/")
    inbox = open_page(browser, app_cluster, 0, users["alice"]["session"], "/messages/")
    bob = open_conversation(browser, app_cluster, 1, users["bob"]["session"], direct)

    send_from(bob, "ping from bob")
    alice.locator("[data-tk-unread-total]", has_text="1").wait_for(timeout=5000)
    inbox.locator(f'[data-tk-row="{direct}"] [data-tk-unread]', has_text="1").wait_for(timeout=5000)

    carol = open_page(browser, app_cluster, 1, users["carol"]["session"], "/messages/new/")
    carol.fill("#id_usernames", "alice")
    carol.click("main button[type=submit]")
    carol.wait_for_url("**/messages/c/*/")
    send_from(carol, "hello from carol")  # carol's page joins on load; the form posts over HTTP
    inbox.locator("[data-tk-row] [data-tk-last]", has_text="hello from carol").wait_for(timeout=5000)
    alice.locator("[data-tk-unread-total]", has_text="2").wait_for(timeout=5000)
    for page in (alice, inbox):
        assert page.evaluate("window.__notReloaded") is True
        assert page.locator("[data-tk-inbox-hint]").count() == 0  # no "Reload" link any more

    live_time = bob.locator(".tk-message time").first.inner_text()
    bob.reload()
    bob.locator(".tk-message time").first.wait_for()
    assert bob.locator(".tk-message time").first.inner_text() == live_time
