"""Fetching a bookmarked page's title, description and favicon, off the request path.

A bookmark saved without a title gets one derived from its URL at once (``title_from_url``); when
``CONTENT_FETCH_METADATA`` is on, the page is then fetched in a background thread after the save
commits (``schedule``), and ``content.services.enrich_bookmark`` fills in what the page says. The
save therefore never waits for, nor fails because of, the network.

The fetch is bounded: ``CONTENT_FETCH_TIMEOUT_SECONDS`` for the whole exchange, ``MAX_BYTES`` of
body, HTML only. Hosts resolving to loopback, private, link-local or reserved addresses are refused
unless ``CONTENT_FETCH_ALLOW_PRIVATE`` is on (otherwise a bookmark could probe the internal network),
and every redirect is checked the same way. A DNS answer that changes between the check and the
connection can still slip through; the timeout and size cap bound what that can cost.

``fetch_page`` is that bounded fetch on its own (raising ``FetchFailed`` with a reason, and whether
trying again may help); the reader copies (``reader`` app) fetch whole pages through it.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024
READ_CHUNK = 16 * 1024
USER_AGENT = "TrackeepBot/1.0 (+bookmark metadata)"
TITLE_MAX = 300
DESCRIPTION_MAX = 2000


@dataclass(frozen=True)
class PageMetadata:
    title: str = ""
    description: str = ""
    favicon_url: str = ""


Fetcher = Callable[[str], "PageMetadata | None"]


class FetchRefused(Exception):
    """The URL points somewhere we do not fetch (a private address, not http/https)."""


def title_from_url(url: str) -> str:
    """A readable stand-in title: host without ``www.`` plus the path (``example.com/docs/intro``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return (host + path)[:TITLE_MAX] or url[:TITLE_MAX]


def _check_host(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http(s) URL: {url!r}")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise FetchRefused(f"cannot resolve {parts.hostname}") from error
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise FetchRefused(f"{parts.hostname} resolves to a non-public address")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        _check_host(newurl, self.allow_private)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _HeadParser(HTMLParser):
    """Collects <title>, the description metas and the icon link; stops caring after </head>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.og_title = ""
        self.description = ""
        self.icon = ""
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "title" and not self.title:
            self._in_title = True
        elif tag == "meta":
            key = (values.get("name") or values.get("property") or "").lower()
            if key in ("description", "og:description") and not self.description:
                self.description = values.get("content", "")
            elif key == "og:title" and not self.og_title:
                self.og_title = values.get("content", "")
        elif tag == "link" and not self.icon:
            rels = set(values.get("rel", "").lower().split())
            if rels & {"icon", "apple-touch-icon"} and values.get("href"):
                self.icon = values["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = "".join(self._title_parts)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _read_capped(response: Any, deadline: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < MAX_BYTES:
        if time.monotonic() > deadline:
            break
        chunk = response.read(min(READ_CHUNK, MAX_BYTES - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


@dataclass(frozen=True)
class FetchedPage:
    """An HTML page's text (at most ``MAX_BYTES`` of it, decoded) and the URL it came from."""

    text: str
    final_url: str


class FetchFailed(Exception):
    """The page could not be had; ``transient`` when trying again later may succeed (a timeout, a
    5xx, a refused connection) rather than never (a private address, a 404, not HTML)."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def fetch_page(url: str, *, timeout: float | None = None, allow_private: bool | None = None) -> FetchedPage:
    """The HTML page at ``url`` within the fetcher's limits, or ``FetchFailed`` saying why not."""
    timeout = settings.CONTENT_FETCH_TIMEOUT_SECONDS if timeout is None else timeout
    allow_private = settings.CONTENT_FETCH_ALLOW_PRIVATE if allow_private is None else allow_private
    deadline = time.monotonic() + timeout
    try:
        _check_host(url, allow_private)
        opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
        with opener.open(request, timeout=timeout) as response:
            headers: Message = response.headers
            content_type = headers.get_content_type()
            if content_type not in ("text/html", "application/xhtml+xml"):
                raise FetchFailed(f"not an HTML page ({content_type})", transient=False)
            body = _read_capped(response, deadline)
            final_url = response.geturl()
            charset = headers.get_content_charset() or "utf-8"
    except FetchRefused as error:
        raise FetchFailed(str(error), transient=False) from error
    except urllib.error.HTTPError as error:
        raise FetchFailed(f"the server answered HTTP {error.code}", transient=error.code >= 500) from error
    except urllib.error.URLError as error:
        raise FetchFailed(f"cannot connect: {error.reason}", transient=True) from error
    except (OSError, ValueError) as error:
        raise FetchFailed(f"cannot fetch: {error}", transient=True) from error
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    return FetchedPage(text=text, final_url=final_url)


def fetch_metadata(
    url: str, *, timeout: float | None = None, allow_private: bool | None = None
) -> PageMetadata | None:
    """The page's metadata, or None when it cannot be had quickly and safely. Never raises."""
    try:
        page = fetch_page(url, timeout=timeout, allow_private=allow_private)
    except FetchFailed as error:
        logger.info("bookmark metadata not fetched for %s: %s", url, error.reason)
        return None
    return metadata_of(page)


def metadata_of(page: FetchedPage) -> PageMetadata:
    """Title, description and absolute favicon URL from a fetched page's head."""
    parser = _HeadParser()
    parser.feed(page.text)
    icon = urljoin(page.final_url, parser.icon) if parser.icon else ""
    return PageMetadata(
        title=_clean(parser.title or parser.og_title, TITLE_MAX),
        description=_clean(parser.description, DESCRIPTION_MAX),
        favicon_url=icon if urlsplit(icon).scheme in ("http", "https") else "",
    )


_executor: ThreadPoolExecutor | None = None


def _background_executor() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tk-metadata")
    return _executor


def _run_and_close(job: Callable[..., Any], *args: Any) -> None:
    try:
        job(*args)
    except Exception:
        logger.exception("background metadata job failed")
    finally:
        connections.close_all()  # this worker thread's own connections


def schedule(job: Callable[..., Any], *args: Any) -> Future[None]:
    """Run ``job(*args)`` on the small background pool (used after a bookmark save commits)."""
    return _background_executor().submit(_run_and_close, job, *args)
