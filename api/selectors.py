"""Reads of API tokens: a user's list, and the token a request presents."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from api import tokens
from api.models import ACTIVE, ApiToken


def tokens_of(user_id: int) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too: the page shows their state)."""
    return ApiToken.objects.filter(user_id=user_id).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class Presented:
    """What a presented secret turned out to be: a usable ``token``, or why not (``problem``)."""

    token: ApiToken | None
    problem: str = ""


def presented(secret: str) -> Presented:
    """The active token whose secret is ``secret``, with its user (one query, no cache: a revoked
    token is refused by every app instance from the moment the revocation commits)."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return Presented(None, "invalid")
    token = ApiToken.objects.select_related("user").filter(digest=tokens.digest(secret)).first()
    if token is None:
        return Presented(None, "invalid")
    state = token.state()
    if state != ACTIVE:
        return Presented(None, state)
    if not token.user.is_active:
        return Presented(None, "invalid")
    return Presented(token)
