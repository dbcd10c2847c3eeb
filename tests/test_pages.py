"""Site-wide page details: the favicon, one time format, and words that count things."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content import services
from content.models import Bookmark
from tests.factories import signed_in

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


def time_elements(html: str) -> dict[str, str]:
    """``{iso datetime: shown text}`` of every ``<time data-tk-time>`` in a page."""
    found = re.findall(r'<time datetime="([^"]+)" data-tk-time="(\w+)"[^>]*>([^<]+)</time>', html)
    return {f"{iso} {kind}": text for iso, kind, text in found}


def test_one_time_format_everywhere_in_the_users_time_zone(owner: Any, client_of: Client) -> None:
    """Lists and detail pages show the same format, in the user's own zone (issue 15 item 8)."""
    owner.timezone = "Asia/Tokyo"
    owner.save()
    client = signed_in(owner)  # a new session carries the new zone
    bookmark = services.create_bookmark(owner, url="https://example.com/", title="Example")
    moment = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)  # 05:00 on Jan 2 in Tokyo
    Bookmark.objects.filter(pk=bookmark.pk).update(created_at=moment, updated_at=moment)
    iso = "2026-01-02T05:00:00+09:00"

    listed = time_elements(client.get(reverse("content:bookmark_list")).content.decode())
    detail = time_elements(
        client.get(reverse("content:bookmark_detail", args=[bookmark.pk])).content.decode()
    )
    assert listed[f"{iso} day"] == "Jan 2, 2026"
    assert detail[f"{iso} datetime"] == "Jan 2, 2026, 5:00 AM"
    page = client.get("/").content.decode()
    assert 'data-tk-tz="Asia/Tokyo"' in page and "js/time.js" in page


def test_words_count_correctly(owner: Any, client_of: Client) -> None:
    services.create_bookmark(owner, url="https://a.example/", title="A", is_favorite=True, is_read=True)
    services.create_task(owner, title="T")
    services.create_note(owner, title="N")
    services.create_file(owner, upload=SimpleUploadedFile("a.txt", b"x"))
    home = " ".join(client_of.get("/").content.decode().split())
    for phrase in ("1</strong> bookmark<", "1 favourite<", "1</strong> open task<", "1</strong> note<"):
        assert phrase in home
    assert "1</strong> file<" in home
    bookmark = Bookmark.objects.get(owner=owner)
    detail = client_of.get(reverse("content:bookmark_detail", args=[bookmark.pk])).content.decode()
    assert "0 minutes" not in detail and "Read <time" in detail


def test_deleting_a_task_counts_its_subtasks_in_words(owner: Any, client_of: Client) -> None:
    parent = services.create_task(owner, title="Parent")
    services.create_task(owner, title="Only child", parent=parent)
    page = client_of.get(reverse("content:task_delete", args=[parent.pk])).content.decode()
    assert "Its 1 subtask will be kept" in page
