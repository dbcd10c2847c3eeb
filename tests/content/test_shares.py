"""Share links: random tokens, a public download page, optional expiry, revocation, owner-only
management."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import ShareLink

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def stored(owner: Any) -> Any:
    return services.create_file(owner, upload=SimpleUploadedFile("report.pdf", PDF))


def test_share_link_opens_a_public_page_and_downloads(client_of: Client, stored: Any) -> None:
    response = client_of.post(reverse("content:share_create", args=[stored.pk]), {"expires": "7d"})
    assert response.status_code == 302
    link = ShareLink.objects.get(file=stored)
    assert len(link.token) >= 43 and link.expires_at > timezone.now() + dt.timedelta(days=6)
    assert link.token.encode() in client_of.get(reverse("content:file_detail", args=[stored.pk])).content

    anonymous = Client()
    page = anonymous.get(reverse("content:share_page", args=[link.token]))
    assert page.status_code == 200 and b"report.pdf" in page.content
    download = anonymous.get(reverse("content:share_download", args=[link.token]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    link.refresh_from_db()
    assert link.download_count == 1


def test_tokens_are_unique_and_unguessable(stored: Any) -> None:
    tokens = {services.create_share_link(stored).token for _ in range(5)}
    assert len(tokens) == 5
    assert Client().get("/content/s/" + "A" * 43 + "/").status_code == 404


def test_expired_link_is_gone(stored: Any) -> None:
    link = services.create_share_link(stored, expires_at=timezone.now() - dt.timedelta(minutes=1))
    anonymous = Client()
    page = anonymous.get(reverse("content:share_page", args=[link.token]))
    assert page.status_code == 410 and b"expired" in page.content
    assert anonymous.get(reverse("content:share_download", args=[link.token])).status_code == 410


def test_revoked_link_stops_working_at_once(client_of: Client, stored: Any) -> None:
    link = services.create_share_link(stored)
    anonymous = Client()
    assert anonymous.get(reverse("content:share_download", args=[link.token])).status_code == 200
    response = client_of.post(
        reverse("content:share_revoke", args=[stored.pk, link.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b'id="share-links"' in response.content
    assert b"Revoked" in response.content
    page = anonymous.get(reverse("content:share_page", args=[link.token]))
    assert page.status_code == 410 and b"revoked" in page.content
    assert anonymous.get(reverse("content:share_download", args=[link.token])).status_code == 410


def test_only_the_owner_manages_links(stranger_client: Client, stored: Any) -> None:
    link = services.create_share_link(stored)
    assert stranger_client.post(reverse("content:share_create", args=[stored.pk])).status_code == 404
    revoke = stranger_client.post(reverse("content:share_revoke", args=[stored.pk, link.pk]))
    assert revoke.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_invalid_expiry_choice_is_a_form_error(client_of: Client, stored: Any) -> None:
    response = client_of.post(reverse("content:share_create", args=[stored.pk]), {"expires": "forever"})
    assert response.status_code == 400 and b"Select a valid choice" in response.content
    assert not ShareLink.objects.exists()


def test_deleting_the_file_kills_its_links(client_of: Client, stored: Any) -> None:
    link = services.create_share_link(stored)
    client_of.post(reverse("content:file_delete", args=[stored.pk]))
    assert Client().get(reverse("content:share_page", args=[link.token])).status_code == 404
