"""Platform views: the home page and the health endpoints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from analytics.selectors import home_dashboard
from core.redis.client import is_redis_backed
from core.redis.health import ping, pool_report


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: counts and recent items, one cached value per user."""
    return render(request, "core/home.html", {"dashboard": home_dashboard(request.user.pk).value})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers; Redis roles are reported (degraded, not down, without).

    Staff also see this process's Redis connection-pool statistics; anonymous probes get the minimum.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except Exception:  # any driver error means "not ready"
        database = False
    redis = {role: ping(role) for role in ("cache", "state") if is_redis_backed(role)}
    status = 200 if database else 503
    body: dict[str, object] = {"database": database, "redis": redis, "degraded": not all(redis.values())}
    if request.user.is_staff:
        body["pools"] = pool_report()
    return JsonResponse(body, status=status)
