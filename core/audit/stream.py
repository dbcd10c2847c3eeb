"""Append one audit entry to the stream: the only audit work a request does (one XADD).

The stream is capped with an approximate ``MAXLEN`` far above what the consumer leaves unread, so
trimming only drops entries already stored. When Redis cannot be reached the entry is written to
the database at once instead: an audit entry is never dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from core.audit.entries import entry_from_fields
from core.net import client_ip
from core.redis import keys
from core.redis.client import get_client
from core.redis.errors import RedisUnavailable

logger = logging.getLogger(__name__)

STREAM_MAXLEN = 100_000  # entries kept in Redis (approximate trim); the consumer drains far sooner
ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "2fa_added",
        "2fa_removed",
        "2fa_reset",
        "sessions_revoked",
        "admin_change",
        "token_created",
        "export",
        "ratelimit_reset",
        "cache_invalidated",
    }
)


def _fields(
    action: str, request: HttpRequest | None, actor: Any, target: str, detail: dict[str, Any]
) -> dict[str, str]:
    user: Any = actor if actor is not None else getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        user = None
    return {
        "at": timezone.now().isoformat(),
        "action": action,
        "actor_id": str(user.pk) if user is not None else "",
        "actor": user.get_username() if user is not None else "",
        "ip": client_ip(request) if request is not None else "",
        "target": target[:200],
        "detail": json.dumps(detail, sort_keys=True, default=str),
    }


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: str = "",
    **detail: Any,
) -> None:
    """Append ``action`` by ``actor`` (default: the request's user) to the audit stream.

    ``detail`` must hold no secret (no password, token, session key): it is stored as JSON.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    fields = _fields(action, request, actor, target, detail)
    try:
        stream = get_client("state")
        stream.xadd(keys.audit_stream(), fields, maxlen=STREAM_MAXLEN, approximate=True)  # type: ignore[arg-type]
    except RedisUnavailable:
        logger.warning("audit stream unreachable: %s written to the database directly", action)
        entry_from_fields(None, fields).save()
