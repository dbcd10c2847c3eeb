"""Closed-loop HTTP load with aiohttp on asyncio: N virtual clients, each sending its next request
as soon as the previous one is answered, for a fixed time.

Each client is a signed-in virtual user (its own session cookie; CSRF by a matching cookie and
header). Requests started during the warm-up are not recorded; the measured time runs from the end of
the warm-up to the last recorded answer, so slow requests still in flight at the deadline count. The
client's own CPU use is reported beside the figures: on a small machine the load generator competes
with the server for the same cores.

Why aiohttp and not httpx: on this 2-core machine httpx added about 1.8 ms of client time to every
request (``/healthz`` p50 2.7 ms through httpx, 1.1 ms through aiohttp, 0.9 ms through a bare
socket), which would have swamped the millisecond-scale targets; see docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

CSRF_TOKEN = "b" * 32  # any well-formed token passes when the cookie and the header agree
REQUEST_TIMEOUT_SECONDS = 30.0
LOGIN_PATH = "/accounts/login/"


class LoginFailed(RuntimeError):
    """The login form did not sign a virtual user in."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    session: str | None  # a sessionid cookie the answer set
    body: bytes

    def text(self) -> str:
        """The visible text, shortened (for error messages)."""
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.body.decode(errors="replace")))[:300]


@dataclass(frozen=True)
class VirtualUser:
    username: str
    session: str
    conversation: int | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    data: dict[str, str] | None = None
    expect: int = 200
    signed_in: bool = True
    json: bool = False  # ask for JSON (message sends answer 201 with the message)
    headers: dict[str, str] | None = None  # added to the usual ones (an API token's Authorization)
    body: bytes | None = None  # sent as is instead of ``data`` (a JSON document)


RequestFactory = Callable[[VirtualUser, int], Request]


@dataclass
class RunResult:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu: float = 0.0  # share of one core the load generator used while measuring

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(text)


def _headers(user: VirtualUser | None, request: Request) -> dict[str, str]:
    cookies = f"csrftoken={CSRF_TOKEN}"
    if user is not None and request.signed_in:
        cookies += f"; sessionid={user.session}"
    headers = {"Cookie": cookies, "X-CSRFToken": CSRF_TOKEN}
    if request.json:
        headers["Accept"] = "application/json"
    return {**headers, **(request.headers or {})}


def client(base_url: str, concurrency: int) -> aiohttp.ClientSession:
    """A client without a cookie jar (cookies are set per request): gunicorn's sync workers close
    every connection, so nothing is kept alive either."""
    return aiohttp.ClientSession(
        base_url,
        connector=aiohttp.TCPConnector(limit=concurrency, force_close=True),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
    )


async def send(http: aiohttp.ClientSession, user: VirtualUser | None, request: Request) -> Answer:
    async with http.request(
        request.method,
        request.path,
        data=request.body if request.body is not None else request.data,
        headers=_headers(user, request),
        allow_redirects=False,
    ) as response:
        body = await response.read()
        morsel = response.cookies.get("sessionid")
        return Answer(response.status, dict(response.headers), morsel.value if morsel else None, body)


def login_request(username: str, password: str) -> Request:
    return Request("POST", LOGIN_PATH, {"login": username, "password": password}, expect=302, signed_in=False)


async def log_in(base_url: str, usernames: list[str], password: str, parallel: int = 4) -> list[VirtualUser]:
    """One fresh session per username (in order), through the real login form."""
    gate = asyncio.Semaphore(parallel)
    async with client(base_url, parallel) as http:

        async def one(username: str) -> VirtualUser:
            async with gate:
                answer = await send(http, None, login_request(username, password))
            if answer.status != 302 or not answer.session:
                raise LoginFailed(f"login of {username} failed with {answer.status}: {answer.text()}")
            return VirtualUser(username, answer.session)

        return list(await asyncio.gather(*(one(name) for name in usernames)))


async def run(
    base_url: str, users: list[VirtualUser], factory: RequestFactory, warmup: float, duration: float
) -> RunResult:
    """``len(users)`` clients in a closed loop: ``warmup`` seconds unrecorded, then ``duration``."""
    result = RunResult()
    sequence = itertools.count()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + duration
    last_answer = measure_from
    cpu_at_measure: list[float] = []

    async def virtual_client(user: VirtualUser, http: aiohttp.ClientSession) -> None:
        nonlocal last_answer
        while (sent_at := time.perf_counter()) < stop_at:
            if sent_at >= measure_from and not cpu_at_measure:
                cpu_at_measure.append(time.process_time())
            request = factory(user, next(sequence))
            try:
                answer = await send(http, user, request)
                failure = None if answer.status == request.expect else f"HTTP {answer.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                failure = f"{type(exc).__name__}: {exc}"
            answered = time.perf_counter()
            if sent_at < measure_from:
                continue
            last_answer = max(last_answer, answered)
            if failure is None:
                result.latencies_ms.append((answered - sent_at) * 1000)
            else:
                result.error(f"{request.method} {request.path}: {failure}")

    async with client(base_url, len(users)) as http:
        await asyncio.gather(*(virtual_client(user, http) for user in users))
    result.seconds = max(last_answer - measure_from, 1e-9)
    if cpu_at_measure:
        result.client_cpu = (time.process_time() - cpu_at_measure[0]) / result.seconds
    return result


@dataclass
class CountResult:
    """The counter headers of each answer of a counting pass."""

    queries: list[int] = field(default_factory=list)
    round_trips: list[int] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return len(self.queries) + self.errors


async def count(
    base_url: str, user: VirtualUser, factory: RequestFactory, requests: int, headers: tuple[str, str]
) -> CountResult:
    """One client sending ``requests`` requests one after another, reading the two counter headers
    (DB queries, Redis round trips) of each answer; a wrong status or no headers is an error."""
    result = CountResult()
    async with client(base_url, 1) as http:
        for n in range(requests):
            request = factory(user, n)
            try:
                answer = await send(http, user, request)
                failure = None if answer.status == request.expect else f"HTTP {answer.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                failure = f"{type(exc).__name__}: {exc}"
            if failure is None and headers[0] not in answer.headers:
                failure = "no counter headers"
            if failure is not None:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{request.method} {request.path}: {failure}")
                continue
            result.queries.append(int(answer.headers[headers[0]]))
            result.round_trips.append(int(answer.headers[headers[1]]))
    return result
