"""``messaging_counts`` for every template: the header's unread badge and notification bell.

Lazy, so pages that never show the header pay nothing. The counts hash is prefetched with the
request's rate-limit check (``core.redis.prefetch``), so showing it usually costs no round trip of its
own; otherwise one HGETALL. Never a database query unless the hash must be rebuilt
(``messaging.unread``). Messaging's own views change the viewer's counts while they run (reading a
conversation marks it read), so they read the counts afresh instead of using the prefetched reply.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.redis import keys, prefetch
from messaging import unread

PREFETCH_NAME = "messaging.unread"


def _unread_key(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.method != "GET":
        return None
    return keys.unread_counts(user.pk)


prefetch.register_hash(PREFETCH_NAME, _unread_key)


def unread_counts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    fresh = match is not None and match.app_name == "messaging"
    raw = None if fresh else prefetch.prefetched(request, PREFETCH_NAME)
    return {"messaging_counts": SimpleLazyObject(lambda: unread.get(user.pk, prefetched=raw))}
