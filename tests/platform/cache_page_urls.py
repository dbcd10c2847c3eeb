"""URLconf for the cache contract tests: one view behind ``cache_page`` per alias, and one plain view.

Every response carries a fresh random token, so a test can tell a cached response from a rendered one.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page

CACHE_SECONDS = 60


def fresh(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(f"<p>rendered {uuid.uuid4()}</p>", content_type="text/html; charset=utf-8")
    response["X-Rendered-Token"] = uuid.uuid4().hex
    return response


urlpatterns = [
    path("cached/default/", cache_page(CACHE_SECONDS, cache="default")(fresh)),
    path("cached/state/", cache_page(CACHE_SECONDS, cache="state")(fresh)),
    path("plain/", fresh),
]
