"""The share page's service worker in Chromium: it registers with the scope /share/ only, and a
share made while offline shows the offline page with the shared address instead of an error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user

pytestmark = browser_marks


@pytest.fixture
def page(live_server: Any, transactional_db: None) -> Iterator[Any]:
    user = make_user(username="phone")
    with chromium() as browser:
        yield signed_in_page(browser, live_server.url, user)


def test_an_offline_share_keeps_the_address_on_screen(page: Any) -> None:
    shared = "https://example.com/shared-while-offline"
    page.goto(f"{page.base_url}/share/?url={shared}&title=Offline")
    scope = page.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == f"{page.base_url}/share/"
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "You are offline"
    page.wait_for_selector("[data-shared-url]:has-text('shared-while-offline')")
    assert page.locator("[data-shared-url]").inner_text() == shared
    page.context.set_offline(False)
    page.click("[data-retry]")
    page.wait_for_selector("h1:has-text('Save to Trackeep')")
    assert page.input_value("#id_url") == shared
