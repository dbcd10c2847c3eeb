"""Imports with NUL characters (which PostgreSQL cannot store in text) are cleaned, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from content.models import Bookmark, Note
from tests.content.import_support import import_file

pytestmark = pytest.mark.django_db


def test_netscape_import_drops_nul_characters(owner: Any) -> None:
    client = Client()
    client.force_login(owner)
    html = b'<DL><p><DT><A HREF="https://example.com/">Ex\x00ample</A></DL>'
    response = import_file(client, "content:import_bookmarks", "bookmarks.html", html)
    assert response.status_code == 200
    assert Bookmark.objects.get(owner=owner).title == "Example"


def test_archive_import_drops_nul_characters(owner: Any) -> None:
    client = Client()
    client.force_login(owner)
    document = {
        "format": "trackeep-archive",
        "version": 1,
        "notes": [
            {
                "uid": "6f1c2f7e-0d5b-4b8e-9a59-4c4f2d1e3a10",
                "created_at": "2026-01-01T00:00:00+00:00",
                "updated_at": "2026-01-01T00:00:00+00:00",
                "title": "N\x00ote",
                "content": "body\x00",
                "tags": ["a\x00b"],
            }
        ],
    }
    response = import_file(client, "content:import_archive", "trackeep.json", json.dumps(document).encode())
    assert response.status_code == 200
    assert list(Note.objects.filter(owner=owner).values_list("title", "content")) == [("Note", "body")]
