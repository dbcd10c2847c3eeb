"""Content's own reaction to ``content_changed``: its cached list pages are stale, so the ``lists``
family is bumped (one INCR per operation, after commit, however many rows changed)."""

from __future__ import annotations

from typing import Any

from content.caches import LISTS
from content.events import Change


def on_content_changed(sender: Any, *, user_id: int, changes: tuple[Change, ...], **kwargs: Any) -> None:
    LISTS.invalidate(user_id)
