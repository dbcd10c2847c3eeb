"""In a real browser (Debian's Chromium through Playwright): create a bookmark, a task and a note,
upload a file, tick a task done inline over htmx without a page load, and see everything listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from content import services
from content.models import Task
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user

pytestmark = browser_marks


@pytest.fixture
def page(live_server: Any, transactional_db: None) -> Iterator[Any]:
    user = make_user(username="browser")  # the first user exists, so no first-run redirect
    with chromium() as browser:
        yield signed_in_page(browser, live_server.url, user)


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


def test_tick_a_task_in_a_note_and_preview_while_typing(page: Any) -> None:
    owner = get_user_model().objects.get(username="browser")
    note = services.create_note(owner, title="Groceries", content="- [ ] milk\n- [ ] bread")
    page.goto(f"{page.base_url}/content/notes/{note.pk}/")
    page.evaluate("window.__stillTheSamePage = true")
    # The box is ticked in the page at once; the note is saved when the server has answered the POST.
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator('#note-body input[data-task="1"]').check()
    page.wait_for_function(
        "document.querySelector('#note-body input[data-task=\"1\"]').checked"
        " && !document.querySelector('#note-body input[data-task=\"0\"]').checked"
    )
    note.refresh_from_db()
    assert note.content == "- [ ] milk\n- [x] bread"
    assert page.evaluate("window.__stillTheSamePage") is True

    page.goto(f"{page.base_url}/content/notes/new/")
    page.locator("#id_content").press_sequentially("**live** preview", delay=20)
    page.locator("#note-preview strong", has_text="live").wait_for()
