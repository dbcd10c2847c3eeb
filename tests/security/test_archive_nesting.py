"""Item 12: a deeply nested archive is refused with a clear message, not a 500 (RecursionError)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content.models import Note


def _archive(depth: int) -> bytes:
    nested = "[" * depth + "]" * depth
    return ('{"format": "trackeep-archive", "version": 1, "notes": [' + nested + "]}").encode()


def test_deeply_nested_archive_is_a_form_error(client_of: Client) -> None:
    upload = SimpleUploadedFile("trackeep.json", _archive(200_000), content_type="application/json")
    response = client_of.post(reverse("content:import_archive"), {"file": upload})
    assert response.status_code == 400
    assert b"nested too deeply" in response.content
    assert not Note.objects.exists()


def test_moderately_nested_items_are_counted_invalid(client_of: Client) -> None:
    upload = SimpleUploadedFile("trackeep.json", _archive(50), content_type="application/json")
    response = client_of.post(reverse("content:import_archive"), {"file": upload})
    assert response.status_code == 200  # the result page: one invalid note
