"""Bookmark metadata: fetched from a local http.server on loopback (never the internet), bounded,
refused for private addresses unless allowed, and applied after the save without overriding edits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from content import metadata, services
from content.metadata import PageMetadata, fetch_metadata
from content.models import Bookmark

PAGE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>  The  Example
 Page </title>
<meta name="description" content="All about examples.">
<link rel="shortcut icon" href="/static/fav.png">
</head><body>hello</body></html>"""


class Handler(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><head>")
            self.wfile.flush()
            Handler.release.wait(5)  # hold the connection open without sending the title
            return
        if self.path == "/redirect-private":
            self.send_response(302)
            # Loopback, but another address than the server's: the test's check refuses it.
            self.send_header("Location", "http://127.0.0.2:9/")
            self.end_headers()
            return
        json = self.path == "/data.json"
        body, kind = (b'{"json": true}', "application/json") if json else (PAGE, "text/html")
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    Handler.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    Handler.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_fetches_title_description_and_icon_from_a_local_page(site: str) -> None:
    page = fetch_metadata(f"{site}/article", allow_private=True, timeout=5)
    assert page == PageMetadata(
        title="The Example Page",
        description="All about examples.",
        favicon_url=f"{site}/static/fav.png",
    )


def test_private_addresses_are_refused_by_default(site: str, settings: Any) -> None:
    settings.CONTENT_FETCH_ALLOW_PRIVATE = False
    assert fetch_metadata(f"{site}/article", timeout=5) is None
    assert fetch_metadata(f"{site}/redirect-private", allow_private=False, timeout=5) is None
    assert fetch_metadata("file:///etc/passwd", allow_private=True) is None


def test_redirects_are_checked_too(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server itself is let through; the redirect target gets the real check (refused)."""
    checked: list[str] = []
    real = metadata._check_host

    def check(url: str, allow_private: bool) -> None:
        checked.append(url)
        if not url.startswith(site):
            real(url, False)

    monkeypatch.setattr(metadata, "_check_host", check)
    assert fetch_metadata(f"{site}/redirect-private", allow_private=False, timeout=5) is None
    assert checked == [f"{site}/redirect-private", "http://127.0.0.2:9/"]


def test_non_html_and_slow_pages_give_nothing(site: str) -> None:
    assert fetch_metadata(f"{site}/data.json", allow_private=True, timeout=5) is None
    assert fetch_metadata(f"{site}/slow", allow_private=True, timeout=0.3) is None


@pytest.mark.django_db
def test_enrichment_fills_a_derived_title_but_never_overrides_an_edit(site: str, owner: Any) -> None:
    def fetcher(url: str) -> PageMetadata | None:
        return fetch_metadata(url, allow_private=True, timeout=5)

    derived = services.create_bookmark(owner, url=f"{site}/article")
    assert derived.title == "127.0.0.1/article"
    assert services.enrich_bookmark(derived.pk, fetcher) is True
    derived.refresh_from_db()
    assert (derived.title, derived.description) == ("The Example Page", "All about examples.")
    assert derived.favicon_url == f"{site}/static/fav.png"

    edited = services.create_bookmark(owner, url=f"{site}/other", title="My own title")
    services.enrich_bookmark(edited.pk, fetcher)
    edited.refresh_from_db()
    assert edited.title == "My own title" and edited.description == "All about examples."

    unreachable = services.create_bookmark(owner, url="http://127.0.0.1:9/")
    assert services.enrich_bookmark(unreachable.pk, fetcher) is False
    unreachable.refresh_from_db()
    assert unreachable.title == "127.0.0.1"


@pytest.mark.django_db(transaction=True)
def test_saving_without_a_title_fetches_in_the_background(
    site: str, owner: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CONTENT_FETCH_METADATA = True
    settings.CONTENT_FETCH_ALLOW_PRIVATE = True
    futures: list[Future[None]] = []
    real_schedule = metadata.schedule
    monkeypatch.setattr(metadata, "schedule", lambda *a: futures.append(real_schedule(*a)) or futures[-1])

    titled = services.create_bookmark(owner, url=f"{site}/titled", title="Given")
    assert futures == []  # a given title needs no fetch
    bookmark = services.create_bookmark(owner, url=f"{site}/article")
    assert bookmark.title == "127.0.0.1/article"  # saved at once with a stand-in title
    (future,) = futures
    future.result(timeout=10)
    bookmark.refresh_from_db()
    assert bookmark.title == "The Example Page"
    assert Bookmark.objects.get(pk=titled.pk).title == "Given"


@pytest.mark.django_db
def test_fetch_is_off_when_disabled(owner: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CONTENT_FETCH_METADATA = False
    scheduled: list[Any] = []
    monkeypatch.setattr(metadata, "schedule", lambda *a: scheduled.append(a))
    services.create_bookmark(owner, url="https://example.com/")
    assert scheduled == []
