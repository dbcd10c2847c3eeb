"""The per-process listener: a daemon thread subscribed to the system events channel.

Started by the server entry points (``trackeep.asgi`` for Daphne, the gunicorn config's
``post_worker_init`` for each worker, ``manage.py jobs_worker``) when ``SYSTEM_EVENTS_LISTEN`` is on;
``start()`` is idempotent and starts a new thread in a forked child. The thread survives Redis outages:
any connection error (or the circuit breaker refusing) closes the subscription and it tries again after
``RECONNECT_MIN_SECONDS``, doubling up to ``RECONNECT_MAX_SECONDS`` with jitter. Every time the
subscription is confirmed (the first time too) it clears every registered process-memory cache,
because events published while it was away were lost to it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading

from django.conf import settings
from redis.client import PubSub

from core.redis import keys
from core.redis.client import get_client
from core.redis.errors import RedisDisabled, RedisUnavailable
from core.system_events.publisher import decode, process_origin
from core.system_events.registry import clear_caches, dispatch

logger = logging.getLogger("core.system_events")

POLL_SECONDS = 1.0  # how often the thread looks at its stop flag while the channel is quiet
RECONNECT_MIN_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 5.0


class Subscriber(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="system-events", daemon=True)
        self.pid = os.getpid()
        self.subscribed = threading.Event()
        self.stopping = threading.Event()
        self.subscriptions = 0  # confirmed subscriptions: 1 + the reconnects
        self.received = 0  # events from other processes, dispatched here
        self.failing = False

    def run(self) -> None:
        delay = RECONNECT_MIN_SECONDS
        while not self.stopping.is_set():
            pubsub: PubSub | None = None
            try:
                pubsub = get_client("state").pubsub()
                pubsub.subscribe(keys.system_events_channel())
                while not self.stopping.is_set():
                    message = pubsub.get_message(timeout=POLL_SECONDS)
                    if message is not None:
                        self._handle(message)
                        delay = RECONNECT_MIN_SECONDS
            except RedisDisabled:
                logger.warning("system events: the state role has no Redis; not listening")
                return
            except (RedisUnavailable, OSError) as error:
                if not self.failing:  # once per outage, not once per attempt
                    name = type(error).__name__
                    logger.warning("system events: not subscribed (%s: %s); retrying", name, error)
                self.failing = True
                self.subscribed.clear()
                self.stopping.wait(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            finally:
                if pubsub is not None:
                    with contextlib.suppress(RedisUnavailable, OSError):
                        pubsub.close()

    def _handle(self, message: dict[str, object]) -> None:
        if message["type"] == "subscribe":
            self.subscriptions += 1
            # Whatever was published while this process was not listening is lost to it: reload.
            cleared = clear_caches()
            if self.subscriptions > 1:
                logger.warning("system events: subscribed again; cleared %s", ", ".join(cleared) or "nothing")
            self.failing = False
            self.subscribed.set()
        elif message["type"] == "message":
            event = decode(message["data"])  # type: ignore[arg-type]
            if event is not None and event.origin != process_origin():
                self.received += 1
                dispatch(event)


_subscriber: Subscriber | None = None
_lock = threading.Lock()


def start() -> Subscriber | None:
    """Start this process's listener unless it runs already (None when ``SYSTEM_EVENTS_LISTEN`` is off)."""
    global _subscriber
    if not settings.SYSTEM_EVENTS_LISTEN:
        return None
    with _lock:
        if _subscriber is None or _subscriber.pid != os.getpid() or not _subscriber.is_alive():
            _subscriber = Subscriber()
            _subscriber.start()
        return _subscriber


def stop(timeout: float = 5.0) -> None:
    """Stop this process's listener (tests)."""
    global _subscriber
    with _lock:
        subscriber, _subscriber = _subscriber, None
    if subscriber is not None and subscriber.pid == os.getpid():
        subscriber.stopping.set()
        subscriber.join(timeout)


def listening() -> bool:
    """Is this process's listener subscribed right now?"""
    subscriber = _subscriber
    return subscriber is not None and subscriber.pid == os.getpid() and subscriber.subscribed.is_set()
