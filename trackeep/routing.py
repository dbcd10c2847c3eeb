"""WebSocket URL routes of every app, collected in one list for ``trackeep.asgi``."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []

from messaging.routing import websocket_urlpatterns as messaging_routes  # noqa: E402

websocket_urlpatterns += messaging_routes

from community.routing import websocket_urlpatterns as community_routes  # noqa: E402

websocket_urlpatterns += community_routes
