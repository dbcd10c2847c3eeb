"""WebSocket URL routes of every app, collected in one list for ``trackeep.asgi``."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
