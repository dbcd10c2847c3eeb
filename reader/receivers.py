"""Queues a reader copy for every bookmark content reports as created (``READER_FETCH_PAGES`` on)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from content.events import Change
from reader import services


def on_content_changed(sender: Any, *, user_id: int, changes: tuple[Change, ...], **kwargs: Any) -> None:
    if not settings.READER_FETCH_PAGES:
        return
    created = [pk for change in changes if (change.kind, change.action) == ("bookmark", "created")
               for pk in change.ids]  # fmt: skip
    if created:
        services.queue_copies(created)
