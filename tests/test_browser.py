"""Site-wide behaviour in Debian's Chromium (Playwright): failed htmx actions say so."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import services
from content.models import Bookmark, Tag, Task
from core.ratelimit import policies
from messaging import services as messaging
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user, signed_in

pytestmark = browser_marks


@pytest.fixture
def user(transactional_db: None) -> Any:
    return make_user(username="everyday")


@pytest.fixture
def page(live_server: Any, user: Any) -> Iterator[Any]:
    with chromium() as browser:
        yield signed_in_page(browser, live_server.url, user)


def test_a_rate_limited_htmx_click_shows_when_to_try_again(page: Any, user: Any) -> None:
    task = services.create_task(user, title="Water the plants")
    page.goto(f"{page.base_url}/content/tasks/")
    # Spend the rest of this user's general budget from another client (the limit is per user).
    other = signed_in(user)
    limit = policies.get("general").limit
    statuses = [other.get("/messages/counts/").status_code for _ in range(limit + 1)]
    assert statuses[-1] == 429
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    toast = page.locator("[data-tk-toasts] .toast[role=alert]")
    toast.wait_for()
    assert re.search(r"Too many requests: try again in \d+ (second|minute)", toast.inner_text())
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_a_server_error_or_lost_connection_is_shown(page: Any, user: Any) -> None:
    task = services.create_task(user, title="Feed the cat")
    page.goto(f"{page.base_url}/content/tasks/")
    page.route("**/toggle/", lambda route: route.fulfill(status=500, body="boom"))
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    page.locator(".toast", has_text="error 500").wait_for()
    page.unroute("**/toggle/")
    page.route("**/toggle/", lambda route: route.abort())
    page.locator(f"#task-{task.pk} button.done-toggle").click()
    page.locator(".toast", has_text="could not be reached").wait_for()


LONG = "a-very-long-name-without-any-space-that-would-push-the-page-wider-than-a-phone"
PHONE = {"width": 390, "height": 844}


def fill_everything(user: Any) -> dict[str, int]:
    """Items with long unbroken words everywhere a phone layout could overflow."""
    tags = [f"{LONG}/{n}" for n in range(3)]
    bookmark = services.create_bookmark(
        user, url=f"https://example.com/{LONG}/{LONG}", title=f"Title {LONG}", description=LONG, tags=tags
    )
    project = services.create_project(user, name=f"Project {LONG}")
    task = services.create_task(
        user, title=f"Task {LONG}", description=LONG, tags=tags, progress=30, project=project
    )
    services.create_task(user, title="Sub", parent=task)
    note = services.create_note(
        user,
        title=f"Note {LONG}",
        content=f"# {LONG}\n\n```\n{LONG} {LONG}\n```\n\n| a | b |\n|---|---|\n| {LONG} | {LONG} |",
        tags=tags,
    )
    stored = services.create_file(user, upload=SimpleUploadedFile(f"{LONG}.txt", b"hello"), tags=tags)
    services.create_share_link(stored)
    tag = Tag.objects.filter(owner=user).first()
    conversation = messaging.start_direct(user, make_user(username=f"friend{LONG[:20]}"))
    messaging.send_message(user, conversation.pk, f"hello {LONG}")
    return {"bookmark": bookmark.pk, "task": task.pk, "note": note.pk, "file": stored.pk,
            "tag": tag.pk, "conversation": conversation.pk, "project": project.pk}  # fmt: skip


def main_pages(ids: dict[str, int]) -> list[str]:
    return [
        "/",
        "/content/bookmarks/", f"/content/bookmarks/{ids['bookmark']}/", "/content/bookmarks/new/",
        f"/content/bookmarks/{ids['bookmark']}/edit/",
        "/content/tasks/", f"/content/tasks/{ids['task']}/", "/content/tasks/new/",
        "/content/projects/", f"/content/projects/{ids['project']}/",
        "/content/notes/", f"/content/notes/{ids['note']}/", "/content/notes/new/",
        "/content/files/", f"/content/files/{ids['file']}/", "/content/files/upload/",
        "/content/tags/", f"/content/tags/{ids['tag']}/", "/content/transfer/",
        "/search/", f"/search/?q={LONG[:10]}",
        "/messages/", f"/messages/c/{ids['conversation']}/", "/messages/new/", "/messages/notifications/",
        "/accounts/profile/", "/accounts/sessions/", "/accounts/2fa/",
    ]  # fmt: skip


def test_phone_pages_never_scroll_sideways(live_server: Any, user: Any) -> None:
    """At 390 px every main page fits its width, whatever the content (issue 15 item 6)."""
    ids = fill_everything(user)
    with chromium() as browser:
        page = signed_in_page(browser, live_server.url, user)
        page.set_viewport_size(PHONE)
        wide = {}
        for path in main_pages(ids):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path] = width
        assert wide == {}


def test_the_tags_page_stays_short_on_a_phone(live_server: Any, user: Any) -> None:
    for n in range(40):
        services.create_tag(user, name=f"tag number {n}")
    with chromium() as browser:
        page = signed_in_page(browser, live_server.url, user)
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}/content/tags/")
        rows = page.locator("[data-tag-row]")
        assert rows.count() == 40
        heights = [rows.nth(n).bounding_box()["height"] for n in (0, 20, 39)]
        assert max(heights) <= 64  # one compact row per tag: name, counts and actions


def test_times_follow_the_browsers_locale_and_the_users_zone(live_server: Any, user: Any) -> None:
    user.timezone = "Asia/Tokyo"
    user.save()
    bookmark = services.create_bookmark(user, url="https://example.com/", title="Example")
    moment = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)  # 05:00 on Jan 2 in Tokyo
    Bookmark.objects.filter(pk=bookmark.pk).update(created_at=moment, updated_at=moment)
    with chromium() as browser:
        page = signed_in_page(browser, live_server.url, user, locale="de-DE")
        page.goto(f"{live_server.url}/content/bookmarks/{bookmark.pk}/")
        saved = page.locator("dt:has-text('Saved') + dd time")
        page.wait_for_function("document.querySelector('time[data-tk-time]').textContent.includes('.')")
        assert saved.inner_text() == "02.01.2026, 05:00"
        assert page.evaluate("trackeepTime.format('2026-01-01T20:00:00Z')") == "02.01.2026, 05:00"
        page.goto(f"{live_server.url}/content/bookmarks/")
        assert page.locator("#bookmark-list time").inner_text() == "02.01.2026"


def drag(page: Any, source: Any, target: Any) -> None:
    """Drag with the mouse, in small steps (SortableJS follows pointer moves)."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 10)
    page.mouse.down()
    steps = 12
    for n in range(1, steps + 1):
        page.mouse.move(
            start["x"] + start["width"] / 2 + (end["x"] - start["x"]) * n / steps,
            start["y"] + 10 + (end["y"] + end["height"] / 2 - start["y"] - 10) * n / steps,
        )
        page.wait_for_timeout(30)
    page.mouse.up()


def test_a_kanban_drag_moves_a_task(page: Any, user: Any) -> None:
    project = services.create_project(user, name="Garden")
    dig = services.create_task(user, title="Dig the beds", project=project)
    services.create_task(user, title="Plant", project=project, status="in_progress")
    page.goto(f"{page.base_url}/content/projects/{project.pk}/")
    page.evaluate("window.__notReloaded = true")
    page.wait_for_selector("[data-board].draggable")
    drag(page, page.locator(f"#card-{dig.pk}"), page.locator("[data-board-column=in_progress]"))
    page.wait_for_selector(f"[data-board-column=in_progress] #card-{dig.pk}[data-moved]")
    dig.refresh_from_db()
    assert dig.status == Task.Status.IN_PROGRESS
    assert page.evaluate("window.__notReloaded") is True
    page.reload()
    assert page.locator(f"[data-board-column=in_progress] #card-{dig.pk}").count() == 1


def test_pick_a_person_with_the_keyboard(page: Any, user: Any) -> None:
    make_user(username="alfred", full_name="Alfred Quill")
    make_user(username="alberta")
    page.goto(f"{page.base_url}/messages/new/")
    page.locator("#id_usernames").press_sequentially("quil", delay=30)
    option = page.locator("[role=listbox] [role=option]", has_text="Alfred Quill")
    option.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#id_usernames").input_value() == "alfred "
    page.click("main button[type=submit]")
    page.wait_for_url("**/messages/c/*/")
