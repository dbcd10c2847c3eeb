"""What the Redis page needs from the app that owns sessions, registered by that app at start-up.

``core`` imports no domain app (import-linter), yet "revoke a user's sessions" must run the owner's
own revocation (database row, Redis copy, per-user index, open sockets closed, audit entry). The
owner registers two callables in its ``AppConfig.ready()``; without them the page hides the action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class SessionHooks:
    """``count(user_id)``: the user's live sessions; ``revoke(user_id, request)``: sign every one of
    them out (audited with the request's user as the actor), returning how many there were."""

    count: Callable[[int], int]
    revoke: Callable[[int, HttpRequest | None], int]


_sessions: list[SessionHooks] = []


def register_sessions(hooks: SessionHooks) -> None:
    """Install the session owner's hooks (the last registration wins: one owner)."""
    _sessions[:] = [hooks]


def sessions() -> SessionHooks | None:
    """The registered session hooks, or None when no app registered any."""
    return _sessions[0] if _sessions else None
