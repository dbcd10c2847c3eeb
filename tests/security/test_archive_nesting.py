"""Item 12: a deeply nested archive is refused with a clear message, not a 500 (RecursionError)."""

from __future__ import annotations

from django.test import Client

from content.models import Note
from tests.content.import_support import import_file


def _archive(depth: int) -> bytes:
    nested = "[" * depth + "]" * depth
    return ('{"format": "trackeep-archive", "version": 1, "notes": [' + nested + "]}").encode()


def test_deeply_nested_archive_is_a_form_error(client_of: Client) -> None:
    response = import_file(client_of, "content:import_archive", "trackeep.json", _archive(200_000))
    assert response.status_code == 200 and b"Import failed" in response.content
    assert b"nested too deeply" in response.content
    assert not Note.objects.exists()


def test_moderately_nested_items_are_counted_invalid(client_of: Client) -> None:
    response = import_file(client_of, "content:import_archive", "trackeep.json", _archive(50))
    assert response.status_code == 200  # the result page: one invalid note
