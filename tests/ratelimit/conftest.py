"""Fixtures of the rate-limit tests: policies built from short rows, and a clock the test moves."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from core.ratelimit import policies
from core.ratelimit.backends import redis_limiter

START_US = 1_700_000_000_000_000


class FakeClock:
    """Microseconds that only move when the test says so."""

    def __init__(self) -> None:
        self.now = START_US

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * 1_000_000)


def row(**fields: Any) -> dict[str, Any]:
    """A settings row with test defaults: 5 per minute, sliding window, every path."""
    return {"name": "t", "limit": 5, "window": 60, "algorithm": "sliding_window", "fallback": True, **fields}


def policy(**fields: Any) -> policies.Policy:
    return policies.parse(row(**fields))


def default_rows(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The project's own policies, with some fields of named policies changed."""
    rows = copy.deepcopy(django_settings.RATE_LIMIT_POLICIES)
    for r in rows:
        r.update(changes.get(r["name"], {}))
    return rows


@pytest.fixture
def use_policies(settings) -> Callable[..., None]:  # type: ignore[no-untyped-def]
    """Replace RATE_LIMIT_POLICIES (clients created afterwards build their middleware from it)."""

    def apply(*rows: dict[str, Any]) -> None:
        settings.RATE_LIMIT_POLICIES = list(rows)
        settings.RATE_LIMIT_POLICY_OVERRIDES = {}

    return apply


@pytest.fixture
def app_clock() -> Iterator[FakeClock]:
    """Drive the shared Redis limiter (and so the middleware) with a clock the test moves."""
    clock = FakeClock()
    redis_limiter.clock = clock
    yield clock
    redis_limiter.clock = None


@pytest.fixture(autouse=True)
def fresh_outage_log() -> Iterator[None]:
    """Outage warnings are throttled per process; each test starts as if none had been logged."""
    from core.ratelimit import services

    services._last_logged.clear()
    yield
    services._last_logged.clear()
