"""Fixtures for the search tests: users, signed-in clients, content written through
``content.services`` with its after-commit work run (generation bumps, ``content_changed``, and so
the index), and a counter of the commands sent to Redis (one packet per round trip)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import services


class Writer:
    """Content writes as a request makes them, with the after-commit callbacks executed."""

    def __init__(self, capture: Callable[..., Any]) -> None:
        self._capture = capture

    @contextmanager
    def committed(self) -> Iterator[None]:
        with self._capture(execute=True):
            yield

    def note(self, owner: Any, title: str, content: str = "", **fields: Any) -> Any:
        with self.committed():
            return services.create_note(owner, title=title, content=content, **fields)

    def bookmark(self, owner: Any, title: str, url: str = "https://example.org/", **fields: Any) -> Any:
        with self.committed():
            return services.create_bookmark(owner, url=url, title=title, **fields)

    def task(self, owner: Any, title: str, **fields: Any) -> Any:
        with self.committed():
            return services.create_task(owner, title=title, **fields)

    def file(self, owner: Any, name: str, description: str = "", **fields: Any) -> Any:
        upload = SimpleUploadedFile(name, b"plain text content\n", content_type="text/plain")
        with self.committed():
            return services.create_file(owner, upload=upload, name=name, description=description, **fields)


@pytest.fixture
def write(django_capture_on_commit_callbacks: Callable[..., Any]) -> Writer:
    return Writer(django_capture_on_commit_callbacks)
