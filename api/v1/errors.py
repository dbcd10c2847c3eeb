"""One error body for every failure of the API: ``{"error": {"code", "message", "fields"}}``.

``code`` is a stable machine-readable word (``not_found``, ``invalid``, ``insufficient_scope``...),
``message`` a sentence for people, ``fields`` maps a parameter or body field to its problems (empty
when the error is not about one field). django-ninja's own exceptions (validation, authentication,
HTTP errors, 404) are translated here; nothing escapes as an HTML error page or a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from content.uploads import upload_refused

logger = logging.getLogger(__name__)

CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorBody(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """Raised by endpoints; answered as the error body with ``status``."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> JsonResponse:
    """The error body; ``extra`` adds keys to the error object (the rate limiter's ``retry_after``)."""
    error = {"code": code, "message": message, "fields": fields or {}, **(extra or {})}
    return JsonResponse({"error": error}, status=status)


@csrf_exempt  # a POST to a wrong path is a 404, not a CSRF refusal
def unknown_endpoint(request: HttpRequest) -> JsonResponse:
    """Any ``/api/`` path that is not an endpoint: the error body, not the HTML 404 page."""
    return error_response(404, "not_found", "There is no such API endpoint. See /api/v1/docs.")


def not_found(what: str = "item") -> ApiError:
    return ApiError(404, "not_found", f"No such {what}.")


def _field_name(location: list[Any]) -> str:
    """``["body", "payload", "url"]`` → ``url``; ``["query", "limit"]`` → ``limit``."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "form", "file") and len(parts) > 2:
        parts = parts[2:]
    elif parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        fields.setdefault(_field_name(list(error.get("loc", ()))), []).append(message)
    return fields


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every exception into the error body."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if upload_refused(request):  # the size check stopped the file before it arrived
            return error_response(413, "too_large", "This file is too large. Nothing was stored.")
        return error_response(422, "invalid", "Some values are not valid.", _validation_fields(exc.errors))

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            401, "not_authenticated", "Send a personal API token: “Authorization: Bearer <token>”."
        )

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = CODES_BY_STATUS.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc) or code.replace("_", " ").capitalize() + ".")

    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not_found", "Not found.")

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(413, "too_large", "The request body is too large.")

    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, "server_error", "Something went wrong on the server.")

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, missing)
    api.add_exception_handler(RequestDataTooBig, too_big)
    api.add_exception_handler(Exception, unexpected)
