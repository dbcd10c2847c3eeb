"""In a real browser (Debian's Chromium through Playwright): create a bookmark, a task and a note,
upload a file, tick a task done inline over htmx without a page load, and see everything listed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from content.models import Task
from tests.factories import make_user

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed"),
]


@pytest.fixture
def page(live_server: Any, transactional_db: None) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    user = make_user(username="browser")
    client = Client()
    client.force_login(user)  # the first user exists, so no first-run redirect
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
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
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.base_url = live_server.url  # type: ignore[attr-defined]
        yield tab
        # Queries made while Playwright's event loop runs get their own connection (Django keeps
        # connections per async context): close it here, or it would block dropping the test DB.
        connections.close_all()
        browser.close()


def test_create_everything_and_complete_a_task_inline(page: Any, tmp_path: Path) -> None:
    base = page.base_url

    page.goto(f"{base}/content/bookmarks/new/")
    page.fill("#id_url", "https://example.com/docs")
    page.fill("#id_title", "Example docs")
    page.fill("#id_tag_names", "reading, Dev/Web")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/content/bookmarks/")
    assert page.locator("#bookmark-list").get_by_text("Example docs").is_visible()

    page.goto(f"{base}/content/tasks/new/")
    page.fill("#id_title", "Water the plants")
    page.select_option("#id_priority", "high")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/content/tasks/")
    assert page.locator("#task-list").get_by_text("Water the plants").is_visible()

    page.goto(f"{base}/content/notes/new/")
    page.fill("#id_title", "Shopping")
    page.fill("#id_content", "- **milk**\n- bread")
    page.click("main button[type=submit]")
    assert page.locator(".markdown strong").inner_text() == "milk"

    document = tmp_path / "manual.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    page.goto(f"{base}/content/files/upload/")
    page.set_input_files("#id_upload", str(document))
    page.click("#upload-panel button[type=submit]")
    page.wait_for_url(f"{base}/content/files/")
    assert page.locator("#file-list").get_by_text("manual.pdf").is_visible()

    page.goto(f"{base}/content/notes/")
    assert page.locator("#note-list").get_by_text("Shopping").is_visible()

    # Tick the task done inline: the row is swapped by htmx, the page is not reloaded.
    page.goto(f"{base}/content/tasks/")
    page.evaluate("window.__stillTheSamePage = true")
    task = Task.objects.get(title="Water the plants")
    row = page.locator(f"#task-{task.pk}")
    row.locator("button.done-toggle").click()
    page.wait_for_selector(f"#task-{task.pk}.is-done")
    assert page.evaluate("window.__stillTheSamePage") is True
    task.refresh_from_db()
    assert task.status == "completed" and task.completed_at is not None
