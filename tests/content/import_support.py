"""Posting a file to an import view and running the import job it queued in this process, as a
worker would (tests/content/test_import_jobs.py runs them in real worker processes)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content import import_runs
from content.models import ImportRun


def import_file(
    client: Client, url_name: str, name: str, data: bytes, fields: dict[str, str] | None = None, **extra: Any
) -> Any:
    """The import's run page once its job ran, or the refusal when the view refused the file."""
    form = {**(fields or {}), "file": SimpleUploadedFile(name, data)}
    response = client.post(reverse(url_name), form, **extra)
    if response.status_code not in (204, 302):
        return response
    location = response["HX-Redirect"] if response.status_code == 204 else response["Location"]
    run = ImportRun.objects.latest("pk")
    assert location == reverse("content:import_run", args=[run.pk])
    import_runs.execute(run.pk)
    return client.get(location, **extra)
