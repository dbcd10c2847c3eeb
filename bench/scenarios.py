"""What ``make bench`` measures: the pages, the server variants, and the interleaved plan.

Every timed figure comes from a plan of measurements repeated for ``--rounds`` rounds. Within a
round, each measurement runs its variants back to back (Redis on, then Redis off, ...: A/B/A/B), so
a comparison is made between two figures taken seconds apart, and the rounds give its spread.

Variants are separate gunicorn servers, all started before the first round and kept until the last
(so the shipped shape's worker recycling happens as the requests add up, as it would in production):

- ``on``: Redis features on, the Dockerfile's gunicorn command (the shipped shape);
- ``off``: Redis features off (sessions in PostgreSQL, no cache at all), the same command;
- ``norecycle``: Redis on, the same command without ``--max-requests``/``--max-requests-jitter``;
- ``prodlimits``: Redis on with the shipped rate-limit budgets (every other variant keeps the
  policies and algorithms but with budgets out of reach, so nothing is denied).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

REPEATED_QUERY = "redis guide"


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    path: str
    signed_in: bool = True


PAGES = {
    page.name: page
    for page in (
        Page("minimal", "minimal view (/healthz)", "/healthz", signed_in=False),
        Page("home", "home", "/"),
        Page("search", "repeated search", f"/search/api/?{urlencode({'q': REPEATED_QUERY})}"),
        Page("bookmarks", "bookmark list", "/content/bookmarks/"),
        Page("notes", "notes", "/content/notes/"),
        Page("tasks", "tasks", "/content/tasks/"),
    )
}
# The read pages the "p95 cut vs Redis off" target covers (issue 12: "every read page").
READ_PAGES = ("home", "search", "bookmarks", "notes", "tasks")
# The pages of the counting pass (queries and Redis round trips of a warm, repeated request).
COUNTED_PAGES = ("bookmarks", "notes", "tasks", "home", "search")

VARIANTS = {
    "on": "Redis on, shipped gunicorn command",
    "off": "Redis off (sessions in PostgreSQL, no cache), shipped gunicorn command",
    "norecycle": "Redis on, shipped command without worker recycling",
    "prodlimits": "Redis on, shipped command, production rate-limit budgets",
}
HIGH = 32  # the "32 clients"
LOW = 1


@dataclass(frozen=True)
class Measurement:
    page: str
    clients: int
    variants: tuple[str, ...]


PLAN = (
    Measurement("minimal", HIGH, ("on", "norecycle")),
    Measurement("search", HIGH, ("on", "off")),
    Measurement("home", HIGH, ("on", "off", "prodlimits")),
    Measurement("bookmarks", HIGH, ("on", "off")),
    Measurement("notes", HIGH, ("on", "off")),
    Measurement("tasks", HIGH, ("on", "off")),
    Measurement("bookmarks", LOW, ("on", "off")),
    Measurement("search", LOW, ("on", "off")),
)


@dataclass(frozen=True)
class Step:
    round: int
    page: str
    clients: int
    variant: str


def schedule(rounds: int, plan: tuple[Measurement, ...] = PLAN) -> list[Step]:
    """Every timed pass in the order it runs: round by round, each measurement's variants together."""
    if rounds < 1:
        raise ValueError("at least one round")
    return [
        Step(r, m.page, m.clients, variant)
        for r in range(1, rounds + 1)
        for m in plan
        for variant in m.variants
    ]


def variants_used(plan: tuple[Measurement, ...] = PLAN) -> list[str]:
    """The variants the plan needs, in VARIANTS order (one server each)."""
    wanted = {v for m in plan for v in m.variants}
    return [v for v in VARIANTS if v in wanted]
