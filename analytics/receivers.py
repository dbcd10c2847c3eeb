"""Invalidates a user's dashboard once per content operation (``content.events.content_changed``)."""

from __future__ import annotations

from typing import Any

from analytics.caches import DASHBOARD


def on_content_changed(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    DASHBOARD.invalidate(user_id)
