"""Fixtures for the content tests: users, signed-in clients, a private MEDIA_ROOT, and a counter of
generation bumps (the real ``bump_generation`` still runs against Redis)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from content.events import content_changed
from core.redis import caching
from tests.factories import signed_in


@pytest.fixture
def media_root(settings: Any) -> Path:
    """The test's private MEDIA_ROOT (set by the root conftest)."""
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def stranger_client(stranger: Any) -> Client:
    return signed_in(stranger)


class BumpRecorder:
    """Records every ``bump_generation(family, user_id)`` call while letting it reach Redis."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def count(self, family: str, user_id: int) -> int:
        return self.calls.count((family, user_id))


@pytest.fixture
def bumps(monkeypatch: pytest.MonkeyPatch) -> Iterator[BumpRecorder]:
    """Counts content's bumps. Other apps' ``content_changed`` receivers are disconnected meanwhile,
    so what they do on top (their own tests' business) is not counted as content's."""
    recorder = BumpRecorder()
    real = caching.bump_generation
    monkeypatch.setattr(content_changed, "receivers", [])
    content_changed.sender_receivers_cache.clear()

    def recording(family: str, user_id: int) -> None:
        recorder.calls.append((family, user_id))
        real(family, user_id)

    monkeypatch.setattr(caching, "bump_generation", recording)
    yield recorder


def generations(user_id: int) -> dict[str, int]:
    """The owner's current search and dashboard generations, read from Redis."""
    return {family: caching.get_generation(family, user_id) for family in ("search", "dashboard")}
