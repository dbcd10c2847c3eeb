"""Site-wide page details: the favicon, and words that count things."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_is_served(client_of: Client) -> None:
    """Browsers ask for /favicon.ico on every site: it must not be a 404 (issue 15 item 10)."""
    response = client_of.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    page = client_of.get("/").content.decode()
    assert 'rel="icon"' in page
