"""URL routes of the api app, included at the site root: the JSON API under ``/api/v1/`` (with a
JSON 404 for any other ``/api/`` path), the token pages under ``/accounts/tokens/``, and the capture
pages (``/share/``, the web app manifest)."""

from __future__ import annotations

from django.urls import include, path, re_path

import core.converters  # noqa: F401  (registers <dbid:>)
from api.v1.app import api as api_v1
from api.v1.errors import unknown_endpoint
from api.views import capture, tokens

token_patterns = [
    path("", tokens.token_list, name="list"),
    path("<dbid:pk>/revoke/", tokens.token_revoke, name="revoke"),
]
capture_patterns = [
    path("share/", capture.share, name="share"),
    path("share/offline/", capture.offline, name="offline"),
    path("share/sw.js", capture.service_worker, name="service_worker"),
    path("manifest.webmanifest", capture.manifest, name="manifest"),
]

urlpatterns = [
    path("api/v1/", api_v1.urls),
    re_path(r"^api/", unknown_endpoint),
    path("accounts/tokens/", include((token_patterns, "api_tokens"))),
    path("", include((capture_patterns, "capture"))),
]
