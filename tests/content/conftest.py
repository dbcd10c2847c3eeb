"""Fixtures for the content tests: users, signed-in clients, a private MEDIA_ROOT, and a counter of
cache-family bumps (the real ``cache_aside.bump`` still runs against Redis)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from core.redis import cache_aside, families
from tests.factories import signed_in


@pytest.fixture
def media_root(settings: Any) -> Path:
    """The test's private MEDIA_ROOT (set by the root conftest)."""
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def stranger_client(stranger: Any) -> Client:
    return signed_in(stranger)


class BumpRecorder:
    """Records every ``cache_aside.bump(family, user_id)`` call while letting it reach Redis."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def count(self, family: str, user_id: int) -> int:
        return self.calls.count((family, user_id))


@pytest.fixture
def bumps(monkeypatch: pytest.MonkeyPatch) -> Iterator[BumpRecorder]:
    """Counts the bumps a content operation causes (search and analytics bump in their receivers)."""
    recorder = BumpRecorder()
    real = cache_aside.bump

    def recording(family: str, user_id: int | None) -> None:
        recorder.calls.append((family, user_id))  # type: ignore[arg-type]
        real(family, user_id)

    monkeypatch.setattr(cache_aside, "bump", recording)
    yield recorder


# Per-user families every content operation bumps once: search results, dashboards, recommendations,
# list pages.
CONTENT_FAMILIES = ("search", "dashboard", "recommendations", "lists")


def generations(user_id: int) -> dict[str, int]:
    """The owner's current generations of the families content writes bump, read from Redis."""
    return {name: families.get(name).generation(user_id) for name in CONTENT_FAMILIES}
