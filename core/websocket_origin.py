"""WebSocket handshakes accepted only from this site's own pages: the same origin check as Django's
CSRF protection, which a socket handshake does not pass through.

Channels' ``AllowedHostsOriginValidator`` compares only the Origin's host with ``ALLOWED_HOSTS``, so
a page on any port or scheme of an allowed host (``http://example.com:8080``, a forgotten dev server)
could open a socket with the user's cookie. Here the Origin must equal the scheme, host and port the
handshake itself was made to (``Host`` checked against ``ALLOWED_HOSTS``; ``wss`` or a trusted
``SECURE_PROXY_SSL_HEADER`` means https), or be listed in ``CSRF_TRUSTED_ORIGINS`` exactly.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}
DEVELOPMENT_HOSTS = [".localhost", "127.0.0.1", "[::1]"]  # Django's own default while DEBUG


def _headers(scope: dict[str, Any]) -> dict[str, str]:
    return {name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])}


def _normal(origin: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an origin or host URL, default ports filled in; None if unusable."""
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _is_secure(scope: dict[str, Any], headers: dict[str, str]) -> bool:
    if scope.get("scheme") == "wss":
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy_header:
        return False
    name, expected = proxy_header
    sent = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower(), "")
    return sent.split(",")[0].strip() == expected


def origin_allowed(scope: dict[str, Any]) -> bool:
    headers = _headers(scope)
    origin = _normal(headers.get("origin", ""))
    if origin is None:
        return False
    trusted = {_normal(o) for o in settings.CSRF_TRUSTED_ORIGINS}
    if origin in trusted:
        return True
    host = headers.get("host", "")
    allowed_hosts = settings.ALLOWED_HOSTS or (DEVELOPMENT_HOSTS if settings.DEBUG else [])
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    scheme = "https" if _is_secure(scope, headers) else "http"
    return origin == _normal(f"{scheme}://{host}")


class SameOriginValidator:
    """ASGI middleware: refuses a WebSocket handshake whose Origin is not this site's own."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
