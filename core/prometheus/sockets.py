"""The open-WebSocket gauge: consumers call ``opened`` once they accept and ``closed`` in
``disconnect`` (which Channels calls for refused handshakes too: only an opened socket is counted off)."""

from __future__ import annotations

from typing import Any

from core.prometheus.instruments import WEBSOCKET_CONNECTIONS

_COUNTED = "_metrics_counted"


def opened(consumer: Any) -> None:
    WEBSOCKET_CONNECTIONS.labels(type(consumer).__name__).inc()
    setattr(consumer, _COUNTED, True)


def closed(consumer: Any) -> None:
    if getattr(consumer, _COUNTED, False):
        setattr(consumer, _COUNTED, False)
        WEBSOCKET_CONNECTIONS.labels(type(consumer).__name__).dec()
