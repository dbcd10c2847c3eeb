"""Platform views: the home page, the health endpoints and the favicon."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from analytics.selectors import home_dashboard
from core.redis.client import is_redis_backed
from core.redis.health import ping


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: counts and recent items, one cached value per user."""
    return render(request, "core/home.html", {"dashboard": home_dashboard(request.user.pk).value})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers; Redis roles are reported (degraded, not down, without)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except Exception:  # any driver error means "not ready"
        database = False
    redis = {role: ping(role) for role in ("cache", "state") if is_redis_backed(role)}
    status = 200 if database else 503
    body = {"database": database, "redis": redis, "degraded": not all(redis.values())}
    return JsonResponse(body, status=status)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
