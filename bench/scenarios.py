"""The scenarios: what each virtual client asks for, one request at a time.

Every scenario is a request factory ``(user, n) -> Request``. ``read`` marks the read-only pages the
Redis features are meant to speed up (the "p95 at least 70 % lower" target covers all of them, the
uncacheable fresh search included). ``mixed`` interleaves the others in fixed proportions, roughly a
signed-in person's day: pages and searches, a few new queries, the occasional message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.loadgen import Request, RequestFactory, VirtualUser, login_request

REPEATED_QUERY = "redis guide"
# Words that occur in the demo titles; ordered pairs of them are distinct searches (and cache keys).
FRESH_WORDS = (
    "python", "django", "redis", "postgres", "javascript", "css", "design", "security", "devops",
    "testing", "reading", "recipes", "travel", "health", "finance", "music", "ideas", "learning",
    "guide", "introduction", "checklist", "tour", "handbook", "primer", "overview", "notes",
    "review", "report", "plan", "release",
)  # fmt: skip
_FRESH_PAIRS = [f"{a} {b}" for a, b in itertools.permutations(FRESH_WORDS, 2)]
# One counter for the whole process: a "fresh" query is never repeated within a run.
_fresh_counter = itertools.count()


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    factory: RequestFactory
    read: bool = False
    max_clients: int | None = None  # caps the concurrency (login is CPU-bound password hashing)
    max_counted: int | None = None  # caps the counting pass's requests (same reason)


def fresh_query(n: int) -> str:
    """The ``n``-th never-seen search: a word pair, then the same pairs with another page size."""
    pair = _FRESH_PAIRS[n % len(_FRESH_PAIRS)]
    per_page = 20 + (n // len(_FRESH_PAIRS)) % 30
    return urlencode({"q": pair, "per_page": per_page})


def _get(path: str) -> RequestFactory:
    return lambda user, n: Request("GET", path)


def _fresh_search(user: VirtualUser, n: int) -> Request:
    return Request("GET", f"/search/api/?{fresh_query(next(_fresh_counter))}")


def _send(user: VirtualUser, n: int) -> Request:
    return Request(
        "POST",
        f"/messages/c/{user.conversation}/send/",
        {"body": f"bench message {n}"},
        expect=201,
        json=True,
    )


def _minimal(user: VirtualUser, n: int) -> Request:
    return Request("GET", "/healthz", signed_in=False)


HOME = _get("/")
SEARCH_REPEATED = _get(f"/search/api/?{urlencode({'q': REPEATED_QUERY})}")
PROFILE = _get("/accounts/profile/")
CONTENT_LIST = _get("/content/bookmarks/")
MIX: tuple[tuple[RequestFactory, int], ...] = (
    (HOME, 5), (SEARCH_REPEATED, 5), (PROFILE, 4), (CONTENT_LIST, 3), (_fresh_search, 2), (_send, 1),
)  # fmt: skip
_MIX_CYCLE = [factory for factory, weight in MIX for _ in range(weight)]


def _mixed(user: VirtualUser, n: int) -> Request:
    return _MIX_CYCLE[n % len(_MIX_CYCLE)](user, n)


def scenarios(password: str) -> list[Scenario]:
    def login(user: VirtualUser, n: int) -> Request:
        return login_request(user.username, password)

    return [
        Scenario("minimal", "GET /healthz: the minimal view (no session, no template)", _minimal),
        Scenario(
            "login",
            "POST /accounts/login/: password check, new session",
            login,
            max_clients=4,
            max_counted=10,
        ),
        Scenario("home", "GET /: the signed-in home page", HOME, read=True),
        Scenario("search_repeated", f"GET /search/api/?q={REPEATED_QUERY}", SEARCH_REPEATED, read=True),
        Scenario("search_fresh", "GET /search/api/?q=...: never the same query", _fresh_search, read=True),
        Scenario("profile", "GET /accounts/profile/", PROFILE, read=True),
        Scenario("content_list", "GET /content/bookmarks/: the first page", CONTENT_LIST, read=True),
        Scenario("message_send", "POST /messages/c/<id>/send/ in a direct conversation", _send),
        Scenario("mixed", "all of the above but login, in fixed proportions", _mixed),
    ]
