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
