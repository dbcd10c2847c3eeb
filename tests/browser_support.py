"""Debian's Chromium through Playwright, for the few browser tests (no browser download here)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
browser_marks = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed"),
]


@contextmanager
def _orm_beside_playwright() -> Iterator[None]:
    """Django's async-safety guard relaxed while Playwright's event loop runs beside the ORM."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        # Queries made while Playwright's loop ran got their own connection (Django keeps
        # connections per async context): close it, or it blocks dropping the test database.
        connections.close_all()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium; Django's async-safety guard is relaxed only while it runs."""
    from playwright.sync_api import sync_playwright

    with _orm_beside_playwright(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chromium_with_extension(extension: Path, profile: Path) -> Iterator[Any]:
    """A persistent Chromium context (profile in ``profile``) with the unpacked ``extension``.

    Extensions load only in Chromium's "new" headless mode, which Playwright starts when told it
    is headed and given ``--headless=new`` itself."""
    from playwright.sync_api import sync_playwright

    with _orm_beside_playwright(), sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=False,
            args=[
                "--headless=new",
                *CHROMIUM_ARGS,
                f"--disable-extensions-except={extension}",
                f"--load-extension={extension}",
            ],
        )
        try:
            yield context
        finally:
            context.close()


def signed_in_page(browser: Any, base_url: str, user: Any, **context_options: Any) -> Any:
    """A new tab whose context carries a session of ``user`` on the server at ``base_url``
    (``context_options`` go to Playwright's ``new_context``: locale, viewport...).

    The site's Content-Security-Policy applies, so Playwright's ``wait_for_function`` (which runs its
    predicate through ``eval``) is refused: wait with ``wait_for_url`` or selectors instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(**context_options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.base_url = base_url
    return tab
