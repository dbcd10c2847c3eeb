"""Middleware of the JSON API: token authentication, and one error body for every ``/api/`` error.

``TokenAuthenticationMiddleware`` is placed before the rate-limit middleware.

A request under ``/api/`` that carries ``Authorization: Bearer <secret>`` is authenticated here:
with a usable token, ``request.user`` becomes the token's owner and ``request.api_token`` the token,
so the rate limiter (next in line) spends the owner's own ``user:<id>`` budget, exactly as for their
browser session. Nothing touches the session, so token requests never create one. An unusable
token leaves the request anonymous (it then spends its address's budget) and records why in
``request.api_token_problem``, which the API's authentication answers with 401.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from api import selectors, services
from api.v1.errors import CODES_BY_STATUS, error_response
from core.net import client_ip

API_PREFIX = "/api/"
BEARER = "bearer"


def bearer_secret(request: HttpRequest) -> str | None:
    """The secret of an ``Authorization: Bearer`` header, or None when there is no such header."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    return secret.strip() if scheme.lower() == BEARER else None


class TokenAuthenticationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_token = None  # type: ignore[attr-defined]
        if request.path_info.startswith(API_PREFIX):
            secret = bearer_secret(request)
            if secret is not None:
                self._authenticate(request, secret)
        return self.get_response(request)

    @staticmethod
    def _authenticate(request: HttpRequest, secret: str) -> None:
        found = selectors.presented(secret)
        user = found.token.user if found.token is not None else AnonymousUser()

        async def auser() -> Any:
            return user

        request.user, request.auser = user, auser  # type: ignore[attr-defined]
        if found.token is None:
            request.api_token_problem = found.problem  # type: ignore[attr-defined]
            return
        request.api_token = found.token  # type: ignore[attr-defined]
        services.note_use(found.token, client_ip(request))


class ApiErrorBodyMiddleware:
    """Gives every ``/api/`` error the API's error body, whoever produced it.

    The endpoints answer with ``{"error": {"code", "message", "fields"}}`` themselves; this covers
    the answers made before or around them: the rate limiter's 429 (its ``detail``, ``policy`` and
    ``retry_after`` move into the error object, headers untouched), django-ninja's 405, and Django's
    own 400/413/500 pages. Placed before the rate-limit middleware, so it sees the limiter's answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(API_PREFIX):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            body = _json_body(response)
            if body is None or isinstance(body.get("error"), dict):
                return response
            extra = {name: value for name, value in body.items() if name not in ("error", "detail")}
            return _rebuild(response, str(body.get("detail") or ""), extra)
        return _rebuild(response, "", {})


def _json_body(response: HttpResponse) -> dict[str, object] | None:
    if getattr(response, "streaming", False):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _rebuild(response: HttpResponse, message: str, extra: dict[str, object]) -> HttpResponse:
    status = response.status_code
    code = CODES_BY_STATUS.get(status, "server_error" if status >= 500 else "error")
    fresh = error_response(status, code, message or response.reason_phrase + ".", extra=extra)
    for header, value in response.items():
        if header.lower() not in ("content-type", "content-length"):
            fresh[header] = value
    fresh._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]
    return fresh
