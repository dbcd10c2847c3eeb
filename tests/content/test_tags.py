"""Tags: per-user names (case-insensitive), shared by all four types, rename, merge, tag pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from content import services, tagnames
from content.models import Tag

pytestmark = pytest.mark.django_db


def test_names_are_normalised_and_deduplicated() -> None:
    assert tagnames.parse(" Dev / Python ,python, PYTHON,, reading ") == ["Dev/Python", "python", "reading"]
    assert tagnames.normalize("//a//b/") == "a/b"
    assert tagnames.default_color("x") == tagnames.default_color("X")


def test_one_tag_across_all_four_types_with_its_page(client_of: Client, owner: Any, stranger: Any) -> None:
    services.create_bookmark(owner, url="https://a.example", title="A bookmark", tags=["Research"])
    services.create_task(owner, title="A task", tags=["research"])
    services.create_note(owner, title="A note", content="", tags=["RESEARCH"])
    services.create_file(owner, upload=SimpleUploadedFile("a.txt", b"hello"), tags=["Research"])
    services.create_bookmark(stranger, url="https://b.example", title="Not mine", tags=["Research"])
    (tag,) = Tag.objects.filter(owner=owner)
    assert tag.name == "Research"
    page = client_of.get(reverse("content:tag_detail", args=[tag.pk]))
    for title in (b"A bookmark", b"A task", b"A note", b"a.txt"):
        assert title in page.content
    assert b"Not mine" not in page.content
    listing = client_of.get(reverse("content:tag_list"))
    row = next(t for t in listing.context["tags"] if t.pk == tag.pk)
    assert (row.bookmark_count, row.task_count, row.note_count, row.file_count) == (1, 1, 1, 1)


def test_rename_and_name_clash(client_of: Client, owner: Any) -> None:
    services.create_bookmark(owner, url="https://a.example", title="A", tags=["old", "taken"])
    old = Tag.objects.get(owner=owner, name="old")
    response = client_of.post(reverse("content:tag_edit", args=[old.pk]), {"name": "New", "color": "#123abc"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.name, old.color) == ("New", "#123abc")
    clash = client_of.post(reverse("content:tag_edit", args=[old.pk]), {"name": "TAKEN", "color": "#123abc"})
    assert clash.status_code == 400 and "already have a tag called" in clash.content.decode()
    bad = client_of.post(reverse("content:tag_edit", args=[old.pk]), {"name": "x", "color": "red; x: y"})
    assert bad.status_code == 400


def test_merge_moves_every_item_and_deletes_the_source(client_of: Client, owner: Any) -> None:
    both = services.create_bookmark(owner, url="https://a.example", title="A", tags=["js", "javascript"])
    only_js = services.create_task(owner, title="T", tags=["js"])
    note = services.create_note(owner, title="N", content="", tags=["js"])
    source = Tag.objects.get(owner=owner, name="js")
    target = Tag.objects.get(owner=owner, name="javascript")
    response = client_of.post(reverse("content:tag_merge", args=[source.pk]), {"target": target.pk})
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=source.pk).exists()
    for item in (both, only_js, note):
        assert [t.name for t in item.tags.all()] == ["javascript"]


def test_merge_target_must_be_own_tag(client_of: Client, owner: Any, stranger: Any) -> None:
    services.create_task(owner, title="T", tags=["mine"])
    services.create_task(stranger, title="S", tags=["theirs"])
    mine = Tag.objects.get(owner=owner)
    theirs = Tag.objects.get(owner=stranger)
    response = client_of.post(reverse("content:tag_merge", args=[mine.pk]), {"target": theirs.pk})
    assert response.status_code == 400
    assert Tag.objects.filter(pk=mine.pk).exists()


def test_other_users_tag_is_404(stranger_client: Client, owner: Any) -> None:
    tag = services.create_tag(owner, name="private")
    for name in ("content:tag_detail", "content:tag_edit", "content:tag_merge", "content:tag_delete"):
        assert stranger_client.get(reverse(name, args=[tag.pk])).status_code == 404


def test_deleting_a_tag_keeps_the_items(client_of: Client, owner: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://a.example", title="A", tags=["temp"])
    tag = Tag.objects.get(owner=owner)
    client_of.post(reverse("content:tag_delete", args=[tag.pk]))
    assert not Tag.objects.exists()
    assert list(bookmark.tags.all()) == []
