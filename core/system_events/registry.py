"""What a process does with a system event: the handlers of each kind, and its process-memory caches."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger("core.system_events")

CACHE_INVALIDATE = "cache.invalidate"  # payload {"caches": [names]}; an empty list: every cache

Handler = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    """One broadcast: ``id`` is unique per publish, ``origin`` names the publishing process."""

    id: str
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    origin: str = ""


_handlers: dict[str, list[Handler]] = {}
_caches: dict[str, Callable[[], None]] = {}
_lock = threading.Lock()


def on(kind: str, handler: Handler) -> None:
    """Run ``handler(event)`` for every event of ``kind`` (registering the same function twice is a no-op)."""
    with _lock:
        handlers = _handlers.setdefault(kind, [])
        if handler not in handlers:
            handlers.append(handler)


def register_cache(name: str, clear: Callable[[], None]) -> None:
    """Declare a process-memory cache: ``clear()`` runs on a ``cache.invalidate`` event naming it (or
    naming none) and whenever the subscriber (re)connects."""
    with _lock:
        _caches[name] = clear


def registered_caches() -> tuple[str, ...]:
    return tuple(sorted(_caches))


def clear_caches(names: Iterable[str] = ()) -> list[str]:
    """Clear the named registered caches (every one when ``names`` is empty); the names cleared."""
    wanted = set(names)
    with _lock:
        chosen = {name: clear for name, clear in _caches.items() if not wanted or name in wanted}
    for clear in chosen.values():
        clear()
    return list(chosen)


def dispatch(event: Event) -> None:
    """Run the handlers of ``event.kind``; one failing handler is logged and does not stop the others."""
    if event.kind == CACHE_INVALIDATE:
        clear_caches(event.payload.get("caches") or ())
    with _lock:
        handlers = list(_handlers.get(event.kind, ()))
    for handler in handlers:
        try:
            handler(event)
        except Exception:
            logger.exception("system event %s (%s): handler %r failed", event.kind, event.id, handler)
