"""``content.selectors.card_for`` (the contract messaging uses) and the admin pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content import services
from content.selectors import card_for
from tests.content.conftest import BumpRecorder
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_cards_only_for_the_owner(owner: Any, stranger: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="Read me", description="d")
    task = services.create_task(owner, title="Do it", due_date=dt.date(2030, 1, 2))
    note = services.create_note(owner, title="Thoughts", content="some **text**")
    card = card_for(owner, "bookmark", bookmark.pk)
    assert card is not None
    assert card["title"] == "Read me"
    assert card["url"] == reverse("content:bookmark_detail", args=[bookmark.pk])
    assert card["link"] == "https://a.example" and card["summary"] == "d"
    assert card_for(owner, "task", task.pk)["due_date"] == "2030-01-02"  # type: ignore[index]
    assert card_for(owner, "note", str(note.pk))["summary"] == "some **text**"  # type: ignore[index]
    assert card_for(stranger, "bookmark", bookmark.pk) is None
    assert card_for(AnonymousUser(), "note", note.pk) is None
    assert card_for(owner, "tag", 1) is None
    assert card_for(owner, "bookmark", "not-a-number") is None
    assert card_for(owner, "bookmark", 999_999) is None


def test_admin_pages_list_search_and_filter() -> None:
    admin = make_user(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    owner = make_user()
    services.create_bookmark(owner, url="https://a.example", title="Findable", tags=["t"])
    task = services.create_task(owner, title="Task")
    services.create_note(owner, title="Note", content="")
    stored = services.create_file(owner, upload=SimpleUploadedFile("a.txt", b"x"))
    services.create_share_link(stored)
    for model in ("bookmark", "task", "note", "storedfile", "tag", "sharelink"):
        response = client.get(reverse(f"admin:content_{model}_changelist"))
        assert response.status_code == 200, model
    found = client.get(reverse("admin:content_bookmark_changelist") + "?q=Findable")
    assert b"Findable" in found.content
    assert client.get(reverse("admin:content_task_changelist") + "?status__exact=pending").status_code == 200
    assert client.get(reverse("admin:content_task_change", args=[task.pk])).status_code == 200


def test_admin_edits_go_through_the_change_notification(
    bumps: BumpRecorder, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    owner = make_user()
    note = services.create_note(owner, title="Old", content="x")
    bumps.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:content_note_change", args=[note.pk]),
            {"owner": owner.pk, "title": "Changed", "content": "**now bold**", "tags": ""},
        )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.title == "Changed" and "<strong>now bold</strong>" in note.content_html
    assert bumps.count("search", owner.pk) == 1 and bumps.count("dashboard", owner.pk) == 1
