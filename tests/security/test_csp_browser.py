"""Item 13 in a real browser: pages run under the Content-Security-Policy without a single violation
(scripts, htmx, the composer, tag colours), and a data-confirm form asks before posting. Every other
browser test runs under the policy too (tests/browser_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from accounts.selectors import list_sessions
from content import services as content_services
from messaging import services as messaging_services
from tests.browser_support import browser_marks, chromium, signed_in_page
from tests.factories import make_user, signed_in

pytestmark = browser_marks


@pytest.fixture
def page(live_server: Any, transactional_db: None) -> Iterator[Any]:
    user = make_user(username="csp", is_staff=True, is_superuser=True)  # the admin pages too
    # Data that broadcasts (async_to_sync) is made before Playwright's event loop runs in this thread.
    other = make_user()
    conversation = messaging_services.start_direct(user, other)
    messaging_services.send_message(other, conversation.pk, "hello")
    content_services.create_tag(user, name="reading", color="#3b82f6")  # a style="--tag: ..." attribute
    with chromium() as browser:
        tab = signed_in_page(browser, live_server.url, user)
        tab.user = user
        tab.conversation = conversation
        tab.violations = []
        tab.on(
            "console",
            lambda msg: tab.violations.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        yield tab


def test_pages_run_without_csp_violations(page: Any) -> None:
    conversation = page.conversation
    paths = ["/", "/content/tags/", "/search/?q=hello", "/accounts/sessions/", "/accounts/2fa/", "/admin/"]
    paths += ["/admin/accounts/user/", f"/admin/accounts/user/{page.user.pk}/change/", "/admin/ratelimit/"]
    for path in [*paths, f"/messages/c/{conversation.pk}/"]:
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
    # The live socket runs under the policy in tests/messaging/test_browser.py (an ASGI server).
    page.fill("textarea[name=body]", "sent under CSP")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=sent under CSP")
    assert page.violations == []


def test_confirmation_is_asked_and_a_no_keeps_the_session(page: Any) -> None:
    signed_in(page.user)  # another device, so "Sign out everywhere else" is offered
    page.goto(page.base_url + "/accounts/sessions/")
    questions: list[str] = []

    def answer(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.click("text=Sign out everywhere else")
    assert questions == ["Sign out every other session?"]
    assert len(list_sessions(page.user.pk, None)) == 2
    assert page.violations == []
