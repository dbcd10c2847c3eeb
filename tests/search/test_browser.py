"""In Debian's Chromium (Playwright): typing shows live results without a page load, a kind chip
filters them and the filter survives further typing; the header's quick search drops down hits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from content import services
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user

pytestmark = browser_marks


@pytest.fixture
def page(live_server: Any, transactional_db: None, settings: Any) -> Iterator[Any]:
    user = make_user(username="searcher")
    # Autocommit here: each write commits, so content's after-commit event indexes it at once.
    services.create_note(user, title="Quokka facts", content="They live on Rottnest island.")
    services.create_task(user, title="Feed the quokka", description="leaves only")
    services.create_bookmark(user, url="https://example.org/zebra", title="Zebra stripes")
    with chromium() as browser:
        yield signed_in_page(browser, live_server.url, user)


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
    page.wait_for_url(lambda url: urlsplit(url).query == "q=quok")  # pushed, without the empty filters

    page.locator(".chips a", has_text="Tasks").click()
    page.locator(".search-summary", has_text="1 result").wait_for()
    assert hit_titles(page) == ["Feed the quokka"]
    assert page.locator(".chips a[aria-current=true]").inner_text().startswith("Tasks")
    page.wait_for_url(lambda url: urlsplit(url).query == "q=quok&kind=task")

    page.locator("#search-q").press("End")
    page.locator("#search-q").press_sequentially(" lea", delay=40)  # the filter is kept while typing
    page.locator(".search-summary", has_text="1 result").wait_for()
    page.wait_for_url(lambda url: urlsplit(url).query == "q=quok%20lea&kind=task")
    assert hit_titles(page) == ["Feed the quokka"]
    assert page.evaluate("window.__notReloaded") is True

    page.goto(f"{base}/content/notes/")
    page.locator(".quick-search input").press_sequentially("rottn", delay=40)
    page.locator(".quick-list a", has_text="Quokka facts").wait_for()


def test_quick_search_with_the_keyboard(page: Any) -> None:
    base = page.base_url
    page.goto(f"{base}/content/notes/")
    box = page.locator(".quick-search input")
    page.locator("body").press("/")  # focuses the quick search from anywhere
    page.locator(".quick-search input:focus").wait_for()
    assert box.input_value() == ""  # the "/" was not typed into it
    box.press_sequentially("quok", delay=40)
    page.locator(".quick-list a", has_text="Quokka facts").wait_for()
    options = page.locator(".quick-list a")
    assert options.count() == 3  # two hits and "All results"

    box.press("ArrowDown")
    assert page.locator(".quick-list a.active").count() == 1
    first = options.nth(0)
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("ArrowUp")  # wraps to "All results"
    assert options.nth(2).get_attribute("aria-selected") == "true"
    box.press("ArrowDown")  # wraps back to the first hit
    assert first.get_attribute("aria-selected") == "true"

    box.press("Escape")  # closes the drop-down, keeps the text
    assert page.locator(".quick-list").count() == 0 and box.input_value() == "quok"

    box.fill("")
    box.press_sequentially("rottn", delay=40)
    page.locator(".quick-list a", has_text="Quokka facts").wait_for()
    target = page.locator(".quick-list a", has_text="Quokka facts").get_attribute("href")
    box.press("ArrowDown")
    box.press("Enter")  # opens the highlighted hit, not the full search page
    page.wait_for_url(f"{base}{target}")

    box = page.locator(".quick-search input")
    box.press_sequentially("zebra", delay=40)
    page.locator(".quick-list a", has_text="Zebra stripes").wait_for()
    box.press("Enter")  # nothing highlighted: the form goes to the search page
    page.wait_for_url(lambda url: urlsplit(url).path == "/search/" and "q=zebra" in url)
    page.locator("#search-q").press("/")  # typed in a field, "/" is just a character
    assert page.locator("#search-q").input_value().replace("/", "") == "zebra"
    page.locator("#search-q").fill("zebra")
    page.locator("#search-q").blur()
    page.locator("body").press("/")  # the search page's own box
    page.locator("#search-q:focus").wait_for()
    assert page.locator("#search-q").input_value() == "zebra"
