"""Item 13: the WebSocket handshake is accepted only from the page's own origin (scheme, host and
port), like Django's CSRF origin check, not from any port or scheme of an allowed host."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


async def _handshake(origin: str | None, host: str = "127.0.0.1", scheme: str = "ws", **extra: str) -> bool:
    from trackeep.asgi import application

    user = await sync_to_async(make_user)()
    client = await sync_to_async(signed_in)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    headers = [(b"host", host.encode()), (b"cookie", cookie.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(name.encode(), value.encode()) for name, value in extra.items()]
    comm = WebsocketCommunicator(application, "/ws/messages/", headers=headers)
    comm.scope["scheme"] = scheme
    connected, _ = await comm.connect()
    await comm.disconnect()
    await sync_to_async(connections.close_all)()
    return bool(connected)


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:8443",  # another port of an allowed host
        "https://127.0.0.1",  # another scheme
        "http://localhost",  # another allowed host than the one the page was served from
        "http://127.0.0.1.evil.example",
        "null",
        None,
    ],
)
async def test_foreign_origins_are_refused(origin: str | None) -> None:
    assert not await _handshake(origin)


async def test_the_pages_own_origin_is_accepted() -> None:
    assert await _handshake("http://127.0.0.1")
    assert await _handshake("http://127.0.0.1:8000", host="127.0.0.1:8000")
    assert await _handshake("https://127.0.0.1", scheme="wss")


async def test_https_behind_a_trusted_proxy_header(settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert await _handshake("https://127.0.0.1", **{"x-forwarded-proto": "https"})
    assert not await _handshake("http://127.0.0.1", **{"x-forwarded-proto": "https"})


async def test_trusted_origins_are_accepted(settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example"]
    assert await _handshake("https://app.example")
    assert not await _handshake("https://app.example:444")


async def test_an_unlisted_host_is_refused_even_with_a_matching_origin() -> None:
    assert not await _handshake("http://evil.example", host="evil.example")
