"""Platform views: the health endpoints."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.redis.client import is_redis_backed
from core.redis.health import ping, pool_report


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
