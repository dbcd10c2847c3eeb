"""In Debian's Chromium (Playwright): typing shows live results without a page load, a kind chip
filters them and the filter survives further typing; the header's quick search drops down hits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from content import services
from tests.factories import make_user

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def page(live_server: Any, transactional_db: None, settings: Any) -> Iterator[Any]:
    settings.CONTENT_FETCH_METADATA = False
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    user = make_user(username="searcher")
    # Autocommit here: each write commits, so content's after-commit event indexes it at once.
    services.create_note(user, title="Quokka facts", content="They live on Rottnest island.")
    services.create_task(user, title="Feed the quokka", description="leaves only")
    services.create_bookmark(user, url="https://example.org/zebra", title="Zebra stripes")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            context = browser.new_context()
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            tab.base_url = live_server.url  # type: ignore[attr-defined]
            yield tab
            # Queries made while Playwright's event loop runs get their own connection: close it,
            # or it would block dropping the test database.
            connections.close_all()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def hit_titles(page: Any) -> list[str]:
    return [text.strip() for text in page.locator(".search-hit .item-title a").all_inner_texts()]


def test_live_results_and_a_kind_filter(page: Any) -> None:
    base = page.base_url
    page.goto(f"{base}/search/")
    page.evaluate("window.__notReloaded = true")
    assert page.locator(".search-summary").inner_text().startswith("Recently updated")

    page.locator("#search-q").press_sequentially("quok", delay=40)
    page.locator(".search-summary", has_text="2 results").wait_for()
    assert sorted(hit_titles(page)) == ["Feed the quokka", "Quokka facts"]
    assert page.locator(".search-hit mark").first.inner_text().lower().startswith("quok")
    page.wait_for_function("location.search === '?q=quok'")  # pushed, without the empty filters

    page.locator(".chips a", has_text="Tasks").click()
    page.locator(".search-summary", has_text="1 result").wait_for()
    assert hit_titles(page) == ["Feed the quokka"]
    assert page.locator(".chips a[aria-current=true]").inner_text().startswith("Tasks")
    page.wait_for_function("location.search === '?q=quok&kind=task'")

    page.locator("#search-q").press("End")
    page.locator("#search-q").press_sequentially(" lea", delay=40)  # the filter is kept while typing
    page.locator(".search-summary", has_text="1 result").wait_for()
    page.wait_for_function("location.search === '?q=quok%20lea&kind=task'")
    assert hit_titles(page) == ["Feed the quokka"]
    assert page.evaluate("window.__notReloaded") is True

    page.goto(f"{base}/content/notes/")
    page.locator(".quick-search input").press_sequentially("rottn", delay=40)
    page.locator(".quick-list a", has_text="Quokka facts").wait_for()
