"""Fixtures for the marketplace and community tests: a clock the test moves, writes with their
after-commit work run, and items published from real content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from content import services as content_services
from marketplace import services
from marketplace.models import Item


class Clock:
    """A clock the test sets and moves; pass it wherever a ``clock`` is accepted."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    # Half past an hour, so a few minutes either way stay inside the same clock hour.
    return Clock(dt.datetime(2030, 5, 17, 12, 30, tzinfo=dt.UTC))


Committed = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Callable[..., Any]) -> Committed:
    """``with committed():`` runs the block's after-commit callbacks, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def publish_note(committed: Committed) -> Callable[..., Item]:
    """Publish a one-note template by ``author`` (content written and published, callbacks run)."""

    def make(author: Any, title: str = "Template", **fields: Any) -> Item:
        with committed():
            note = content_services.create_note(author, title=f"{title} source", content="# Plan\n- one")
            return services.publish(author, "note_template", str(note.pk), title=title, **fields)

    return make
