"""``messaging_counts`` for every template: the header's unread badge and notification bell.

Lazy, so pages that never show the header pay nothing; when shown it costs one HGETALL on the state
Redis and no database query (``messaging.unread``; rebuilt from the database only when missing).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from messaging import unread


def unread_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"messaging_counts": SimpleLazyObject(lambda: unread.get(user.pk))}
