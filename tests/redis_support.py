"""Pointing the Django cache aliases at a redis-server of a test's own."""

from __future__ import annotations

import copy
from typing import Any

from core.redis import breaker


def point_roles_at(settings: Any, url: str, **options: Any) -> None:
    """Send the cache and state aliases to ``url``, with extra django-redis OPTIONS."""
    caches = copy.deepcopy(settings.CACHES)
    for alias in ("default", "state"):
        caches[alias]["LOCATION"] = url
        caches[alias]["OPTIONS"].update(options)
    settings.CACHES = caches
    breaker.reset_all_breakers()
