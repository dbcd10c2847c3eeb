"""System events: one Redis pub/sub channel that reaches every process of the deployment.

What one instance changes that others keep in process memory travels here: a rate-limit policy edited
in the admin, a process-memory cache to drop, a trigger such as the analytics refresh. ::

    from core import system_events

    system_events.on("analytics.refresh", handler)          # in an AppConfig.ready()
    system_events.register_cache("ratelimit.policies", clear)
    system_events.publish("analytics.refresh", {"by": "admin"})
    system_events.invalidate_caches(["ratelimit.policies"])  # or None: every registered cache

``publish`` runs the kind's handlers in the calling process at once, then publishes the event on
``keys.system_events_channel()`` (the state role); each other process's subscriber thread
(``core.system_events.subscriber``, started by the server entry points) runs them there. Delivery is
at most once and only to processes listening at that moment, so every subscriber clears all registered
caches whenever it (re)subscribes: after a Redis outage it assumes it missed events and reloads.
Something that must happen once however many processes hear it claims the event first (``claim``).
docs/operations.md, "System events".
"""

from core.system_events.publisher import claim, invalidate_caches, publish
from core.system_events.registry import CACHE_INVALIDATE, Event, on, register_cache, registered_caches

__all__ = [
    "CACHE_INVALIDATE",
    "Event",
    "claim",
    "invalidate_caches",
    "on",
    "publish",
    "register_cache",
    "registered_caches",
]
