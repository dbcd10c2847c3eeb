"""``/api/v1/token``: which token this is, whose, and what it may do (the extension's connection check)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from api.v1 import common
from api.v1.auth import needs, token_of

router = Router(tags=["token"])


class TokenInfo(Schema):
    name: str
    prefix: str
    scopes: list[str]
    expires_at: dt.datetime | None
    username: str


@router.get("", response={200: TokenInfo, **common.AUTH_ERRORS}, **needs(None, "This token"))
def token_info(request: HttpRequest) -> dict[str, object]:
    token = token_of(request)
    return {
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scopes,
        "expires_at": token.expires_at,
        "username": request.user.get_username(),
    }
