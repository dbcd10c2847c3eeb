"""Item 13: every page carries a Content-Security-Policy (no inline script allowed without a nonce)
and a Permissions-Policy; templates hold no inline event handlers or un-nonced inline scripts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _pages() -> list[tuple[str, Client]]:
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    return [
        ("/accounts/login/", Client()),
        ("/", staff),
        ("/accounts/sessions/", staff),
        ("/messages/", staff),
        ("/messages/counts/", staff),
        ("/admin/", staff),
        ("/no-such-page/", staff),
    ]


def test_every_page_has_a_strict_content_security_policy() -> None:
    for path, client in _pages():
        response = client.get(path)
        directives = _directives(response)
        script_src = directives["script-src"]
        assert "'self'" in script_src, path
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(script_src), path
        assert directives["object-src"] == ["'none'"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        assert directives["base-uri"] == ["'self'"], path
        assert "'self'" in directives["connect-src"], path  # the messaging socket


def test_a_nonce_is_sent_when_a_page_uses_one(rf: Any) -> None:
    from csp.middleware import CSPMiddleware
    from django.template import engines

    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    html = (
        engines["django"]
        .from_string('<script nonce="{{ request.csp_nonce }}">1</script>')
        .render({}, request)
    )
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    from django.http import HttpResponse

    response = middleware.process_response(request, HttpResponse(html))
    assert f"'nonce-{nonce}'" in _directives(response)["script-src"]


def test_every_page_has_a_permissions_policy() -> None:
    for path, client in _pages():
        policy = client.get(path)["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, (path, feature)


def _templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    return [p for p in found if ".venv" not in p.parts]


def test_templates_have_no_inline_event_handlers() -> None:
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
    offenders = [str(p.relative_to(ROOT)) for p in _templates() if handler.search(p.read_text())]
    assert offenders == []


def test_inline_scripts_in_templates_carry_the_nonce() -> None:
    tag = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in _templates()
        for m in tag.finditer(p.read_text())
        if "src=" not in m.group(1) and "application/json" not in m.group(1) and "csp_nonce" not in m.group(1)
    ]
    assert offenders == []
