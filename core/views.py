"""Platform views: the health endpoints and the favicon."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static

from core.net import client_ip
from core.redis.client import is_redis_backed
from core.redis.health import ping, pool_report


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


def _may_see_details(request: HttpRequest) -> bool:
    """Staff, or a caller from ``READYZ_DETAIL_NETWORKS`` (monitoring): which dependency is down is
    reconnaissance for anyone else."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.READYZ_DETAIL_NETWORKS)


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers, else 503 (Redis down only degrades). The body says
    ``ready``; staff and configured networks also get the database and per-role Redis status, and
    staff this process's Redis connection-pool statistics."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except Exception:  # any driver error means "not ready"
        database = False
    body: dict[str, object] = {"ready": database}
    if _may_see_details(request):
        redis = {role: ping(role) for role in ("cache", "state") if is_redis_backed(role)}
        body.update({"database": database, "redis": redis, "degraded": not all(redis.values())})
        user = getattr(request, "user", None)
        if user is not None and user.is_staff:
            body["pools"] = pool_report()
    return JsonResponse(body, status=200 if database else 503)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
