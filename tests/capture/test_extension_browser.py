"""The unpacked extension in Debian's Chromium (Playwright persistent context, headless "new" mode,
which loads extensions): connect it with a token, save a page served by this test with its selected
text and tags chosen from suggestions; the bookmark is in the list and found by search. The popup
then says the page is saved, and the "Save link" context menu saves a link."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from api import services as api_services
from content import services
from content.models import Bookmark
from tests.browser_support import browser_marks, chromium_with_extension
from tests.factories import make_user

pytestmark = browser_marks
EXTENSION = Path(settings.BASE_DIR) / "extension"
ARTICLE = b"""<!doctype html><html><head><meta charset="utf-8"><title>Wombat burrows explained</title></head>
<body><h1>Wombat burrows</h1><p id="quote">Wombats dig long tunnels with their claws.</p>
<p><a id="other" href="/other">Another page</a></p></body></html>"""


class _Site(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(ARTICLE)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def site() -> Iterator[str]:
    """A page to save, served by this test on its own port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser_with_extension(tmp_path: Path) -> Iterator[Any]:
    with chromium_with_extension(EXTENSION, tmp_path / "profile") as context:
        context.set_default_timeout(15_000)
        yield context


def test_the_extension_saves_the_open_page_with_tags(
    live_server: Any, transactional_db: None, site: str, browser_with_extension: Any
) -> None:
    context = browser_with_extension
    user = make_user(username="extension-user")
    services.create_tag(user, name="research")
    _, secret = api_services.create_token(
        user, name="Chromium", scopes=["bookmarks:read", "bookmarks:write", "tags:read"], expires_at=None
    )
    worker = (
        context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    )
    extension_id = worker.url.split("/")[2]

    options = context.new_page()
    options.goto(f"chrome-extension://{extension_id}/options.html")
    options.fill("#instance", live_server.url + "/")
    options.fill("#token", secret)
    options.click("#connect")
    options.wait_for_selector("#status:has-text('Connected as extension-user')")

    page = context.new_page()
    page.goto(f"{site}/wombats")
    page.evaluate(
        "() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('#quote'));"
        " const s = getSelection(); s.removeAllRanges(); s.addRange(r); }"
    )
    page.bring_to_front()

    def open_popup() -> Any:
        with context.expect_page() as opened:
            worker.evaluate(
                "chrome.windows.create({url: chrome.runtime.getURL('popup.html'), type: 'popup'})"
            )
        popup = opened.value
        popup.wait_for_selector("#save-form:not([hidden])")
        return popup

    popup = open_popup()
    assert popup.input_value("#title") == "Wombat burrows explained"
    assert popup.input_value("#url") == f"{site}/wombats"
    assert popup.input_value("#description") == "Wombats dig long tunnels with their claws."
    popup.fill("#tags", "reading, res")  # suggestions come from the API as the last tag is typed
    popup.wait_for_selector("#tag-suggestions option[value='reading, research']", state="attached")
    popup.fill("#tags", "reading, research")
    popup.click("#save")
    popup.wait_for_selector("#status:has-text('Saved ✓')")

    bookmark = Bookmark.objects.get(owner=user)
    assert (bookmark.url, bookmark.title) == (f"{site}/wombats", "Wombat burrows explained")
    assert bookmark.description == "Wombats dig long tunnels with their claws."
    assert sorted(tag.name for tag in bookmark.tags.all()) == ["reading", "research"]

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    trackeep = context.new_page()
    trackeep.goto(f"{live_server.url}/content/bookmarks/")
    assert trackeep.locator("#bookmark-list").get_by_text("Wombat burrows explained").is_visible()
    trackeep.goto(f"{live_server.url}/search/?q=wombat")
    assert trackeep.get_by_text("Wombat burrows explained").first.is_visible()

    page.bring_to_front()
    again = open_popup()
    again.wait_for_selector("#already:not([hidden])")
    assert again.inner_text("#save") == "Add tags"
    again.close()

    saved = worker.evaluate(
        f"handleMenuClick({{menuItemId: 'trackeep-save-link', linkUrl: '{site}/other'}}, undefined)"
    )
    assert saved["created"] is True
    assert Bookmark.objects.filter(owner=user, url=f"{site}/other").exists()
