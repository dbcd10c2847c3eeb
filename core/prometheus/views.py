"""``GET /metrics``: Prometheus text format, only with ``Authorization: Bearer <METRICS_TOKEN>``.

Without ``METRICS_TOKEN`` set the endpoint does not exist (404), and a wrong or missing token is a 404
too, so a scanner learns nothing. The token is compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from core.prometheus.collectors import JobQueueCollector

_SCRAPE_TIME = CollectorRegistry()
_SCRAPE_TIME.register(JobQueueCollector())


def _counted() -> CollectorRegistry:
    """Every process's counters (multiprocess mode), else this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    token = str(settings.METRICS_TOKEN)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    body = generate_latest(_counted()) + generate_latest(_SCRAPE_TIME)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
