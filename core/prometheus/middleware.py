"""Time every request and count it under its view's URL name (``unmatched`` for a 404 without one)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.prometheus.instruments import REQUEST_SECONDS


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name if match else "") or "unmatched"
        REQUEST_SECONDS.labels(view, request.method or "").observe(time.perf_counter() - start)
        return response
