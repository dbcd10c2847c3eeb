"""Fixtures for the community tests: the marketplace tests' clock and committed writes, and a
challenge helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from community import services
from community.models import Challenge
from tests.marketplace.conftest import Clock, committed, publish_note  # noqa: F401
from tests.messaging.conftest import app_cluster, migrated_database  # noqa: F401  (the browser test)

__all__ = ["Clock", "challenge_for"]


@pytest.fixture
def clock() -> Clock:
    """Starts at the real time: content stamps completions with it, and challenge windows must
    contain those stamps; the test then moves this clock to order events."""
    return Clock(timezone.now())


@pytest.fixture
def challenge_for(clock: Clock) -> Callable[..., Challenge]:
    """A challenge by ``creator`` (who joins it) that started an hour before the clock's now and runs
    for a week, with the clock's time."""

    def make(creator: Any, target: str = "tasks_completed", goal: int = 3, **fields: Any) -> Challenge:
        starts_at = clock.now - dt.timedelta(hours=1)
        return services.create_challenge(
            creator,
            title=fields.pop("title", "Do it"),
            target=target,
            goal=goal,
            starts_at=fields.pop("starts_at", starts_at),
            ends_at=fields.pop("ends_at", starts_at + dt.timedelta(days=7)),
            clock=clock,
            **fields,
        )

    return make
