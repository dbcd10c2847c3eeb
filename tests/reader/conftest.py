"""Fixtures for the reader tests: a local site on loopback (never the internet) and job workers that
share the test's database and fetch from loopback because ``CONTENT_FETCH_ALLOW_PRIVATE`` is set
for them explicitly."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.jobs.processes import JobProcess, database_url, start, subprocess_env
from tests.server_logs import assert_clean_logs
from tools.redis_process import RedisProcess

BODY_WORD = "quokkaphilately"
ARTICLE = f"""<!doctype html><html><head><meta charset="utf-8"><title>Collecting stamps on Rottnest</title>
<meta name="author" content="Ada Lovelace"><meta property="og:image" content="/cover.png">
<link rel="icon" href="/favicon.png"><style>body {{ color: red }}</style></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Collecting stamps on Rottnest</h1>
<p>Every island has a hobby, and on Rottnest the favourite pastime is {BODY_WORD}, the careful study of
stamps that show the small marsupials who greet each ferry at the jetty in the morning.</p>
<p style="color: red" onclick="alert(1)">Collectors trade them at the bakery, compare perforations and
argue about the 1954 issue <img src="http://203.0.113.9/tracker.png" alt="tracker"> for hours on end.</p>
<script>document.title = "pwned"</script>
<p>More details are on <a href="https://example.org/stamps" onclick="x()">the society's page</a>, which
lists meetings, auctions and the rules for the annual exhibition held each spring by the lighthouse.</p>
</article><footer>Copyright the island</footer></body></html>""".encode()


class Site(BaseHTTPRequestHandler):
    """``/article`` (and ``/again``) is always there; ``/later`` answers 404 until ``Site.ready`` is set;
    ``/broken`` answers 500; ``/empty`` is a page without an article; anything else 404."""

    ready = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/broken":
            self._send(500, b"<html><body>oops</body></html>")
        elif self.path == "/later" and not Site.ready.is_set():
            self._send(404, b"<html><body>not yet</body></html>")
        elif self.path == "/empty":
            self._send(200, b"<html><head><title>Empty</title></head><body></body></html>")
        elif self.path in ("/article", "/later", "/again"):
            self._send(200, ARTICLE)
        else:
            self._send(404, b"<html><body>no</body></html>")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """The base URL of the local test site (http://127.0.0.1:<port>)."""
    Site.ready.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def reader_worker(
    transactional_db: None, job_redis: RedisProcess, job_redis_url: str, tmp_path: Path
) -> Iterator[Callable[[], JobProcess]]:
    """``reader_worker()`` starts ``manage.py jobs_worker`` on the test's queue and database, allowed
    to fetch from loopback. Its log must hold no traceback when the test ends."""
    started: list[JobProcess] = []
    env = subprocess_env(
        job_redis_url, tmp_path, DATABASE_URL=database_url(), CONTENT_FETCH_ALLOW_PRIVATE="true"
    )

    def run() -> JobProcess:
        process = start(
            f"reader-worker-{len(started)}", ("jobs_worker", "--name", f"r{len(started)}"), env, tmp_path
        )
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()
    assert_clean_logs({process.name: process.checked_log() for process in started})
