"""Who may call an operation: a personal API token with the operation's scope.

The token itself is checked by ``api.middleware.TokenAuthenticationMiddleware`` before the rate
limiter runs (so the limiter knows whose budget to spend); here the operation only looks at the
outcome: no token, an unusable one (401 with the reason) or one without the scope (403).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from api.models import ApiToken
from api.v1.errors import ApiError

PROBLEMS = {
    "expired": ("token_expired", "This token has expired. Create a new one on your API tokens page."),
    "revoked": ("token_revoked", "This token was revoked."),
    "invalid": ("invalid_token", "This token is not valid."),
}


class TokenBearer(HttpBearer):
    """``Authorization: Bearer <token>``; the operation needs ``scope`` (None: any valid token)."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token: ApiToken | None = getattr(request, "api_token", None)
        if api_token is None:
            code, message = PROBLEMS[getattr(request, "api_token_problem", "invalid")]
            raise ApiError(401, code, message)
        if self.scope is not None and not api_token.allows(self.scope):
            raise ApiError(403, "insufficient_scope", f"This token lacks the “{self.scope}” scope.")
        return api_token


def needs(scope: str | None, summary: str, **openapi: Any) -> dict[str, Any]:
    """Keyword arguments of an operation decorator: its authentication and its documentation
    (``openapi`` adds to the operation's OpenAPI object)."""
    needed = f"Needs the `{scope}` scope." if scope else "Needs any valid token."
    return {
        "auth": TokenBearer(scope),
        "summary": summary,
        "description": needed,
        "openapi_extra": {"x-required-scope": scope, **openapi},
    }


def token_of(request: HttpRequest) -> ApiToken:
    """The token that authenticated ``request`` (set by ninja once ``TokenBearer`` accepted it)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
