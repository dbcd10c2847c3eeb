"""Organising several items at once (tag, untag, mark read, favourite) and spotting a bookmark
saved twice (issue 15, "what peer apps' users expect")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from content import services
from content.models import Bookmark, Note, Task
from tests.content.conftest import BumpRecorder

pytestmark = pytest.mark.django_db(transaction=True)  # changes are announced after commit


def tag_names(item: Any) -> list[str]:
    return sorted(tag.name for tag in item.tags.all())


def test_bulk_tag_and_untag_bookmarks_in_one_invalidation(
    client_of: Client, owner: Any, stranger: Any, bumps: BumpRecorder
) -> None:
    mine = [services.create_bookmark(owner, url=f"https://{n}.example/", tags=["old"]) for n in range(3)]
    theirs = services.create_bookmark(stranger, url="https://x.example/", tags=["old"])
    ids = [b.pk for b in mine[:2]] + [theirs.pk]
    before = bumps.count("search", owner.pk)
    response = client_of.post(
        reverse("content:bookmark_bulk"), {"ids": ids, "action": "tag", "tag": "reading, Dev/Web"}
    )
    assert response.status_code == 302
    assert bumps.count("search", owner.pk) == before + 1  # one operation, one bump
    assert [tag_names(b) for b in mine] == [["Dev/Web", "old", "reading"]] * 2 + [["old"]]
    assert tag_names(theirs) == ["old"]  # another user's id is ignored
    client_of.post(reverse("content:bookmark_bulk"), {"ids": ids, "action": "untag", "tag": "old"})
    assert [tag_names(b) for b in mine] == [["Dev/Web", "reading"]] * 2 + [["old"]]
    assert tag_names(theirs) == ["old"]
    flash = client_of.get(reverse("content:bookmark_list")).content.decode()
    assert "Removed “old” from 2 bookmarks" in flash


def test_bulk_mark_read_and_favourite(client_of: Client, owner: Any) -> None:
    bookmarks = [services.create_bookmark(owner, url=f"https://{n}.example/") for n in range(2)]
    ids = [b.pk for b in bookmarks]
    client_of.post(reverse("content:bookmark_bulk"), {"ids": ids, "action": "read"})
    client_of.post(reverse("content:bookmark_bulk"), {"ids": ids, "action": "favorite"})
    rows = Bookmark.objects.filter(pk__in=ids)
    assert all(b.is_read and b.read_at and b.is_favorite for b in rows)
    client_of.post(reverse("content:bookmark_bulk"), {"ids": ids, "action": "unread"})
    assert not any(b.is_read or b.read_at for b in Bookmark.objects.filter(pk__in=ids))


def test_bulk_tagging_works_for_tasks_and_notes_and_refuses_nonsense(client_of: Client, owner: Any) -> None:
    task = services.create_task(owner, title="T")
    note = services.create_note(owner, title="N")
    client_of.post(reverse("content:task_bulk"), {"ids": [task.pk], "action": "tag", "tag": "work"})
    client_of.post(reverse("content:note_bulk"), {"ids": [note.pk], "action": "tag", "tag": "work"})
    assert tag_names(Task.objects.get()) == ["work"] and tag_names(Note.objects.get()) == ["work"]
    assert (
        client_of.post(reverse("content:task_bulk"), {"ids": [task.pk], "action": "read"}).status_code == 400
    )
    empty_tag = client_of.post(reverse("content:task_bulk"), {"ids": [task.pk], "action": "tag", "tag": " "})
    assert empty_tag.status_code == 302  # back to the list, with a message saying what is missing
    assert "Type the tag" in client_of.get(reverse("content:task_list")).content.decode()
    services.create_bookmark(owner, url="https://a.example/")
    bar = client_of.get(reverse("content:bookmark_list")).content.decode().split('id="bulk-form"')[1]
    for action in ("tag", "untag", "read", "favorite"):
        assert f'value="{action}"' in bar.split("</form>")[0]


def test_saving_an_address_twice_offers_the_existing_bookmark(client_of: Client, owner: Any) -> None:
    first = services.create_bookmark(owner, url="https://example.com/page", title="The page")
    again = client_of.post(reverse("content:bookmark_create"), {"url": "https://example.com/page/"})
    assert again.status_code == 400
    page = again.content.decode()
    assert "already saved" in page and reverse("content:bookmark_detail", args=[first.pk]) in page
    assert Bookmark.objects.count() == 1
    anyway = client_of.post(
        reverse("content:bookmark_create"), {"url": "https://example.com/page/", "save_duplicate": "on"}
    )
    assert anyway.status_code == 302 and Bookmark.objects.count() == 2
    prefilled = client_of.get(reverse("content:bookmark_create") + "?url=https://example.com/page")
    assert "already saved" in prefilled.content.decode()


def test_editing_keeps_its_own_address_without_a_duplicate_warning(client_of: Client, owner: Any) -> None:
    bookmark = services.create_bookmark(owner, url="https://example.com/", title="Mine")
    response = client_of.post(
        reverse("content:bookmark_edit", args=[bookmark.pk]), {"url": "https://example.com/", "title": "New"}
    )
    assert response.status_code == 302


def test_a_parent_tag_lists_the_items_of_its_children(client_of: Client, owner: Any, stranger: Any) -> None:
    parent = services.create_bookmark(owner, url="https://a.example/", title="Editors", tags=["Dev"])
    child = services.create_bookmark(owner, url="https://b.example/", title="Typing", tags=["dev/Python"])
    both = services.create_note(owner, title="Asyncio", tags=["Dev", "Dev/Python/async"])
    services.create_bookmark(owner, url="https://c.example/", title="Pipelines", tags=["devops"])
    services.create_bookmark(stranger, url="https://d.example/", title="Theirs", tags=["dev/x"])
    dev = owner.content_tags.get(name="Dev")
    listed = client_of.get(reverse("content:bookmark_list"), {"tag": dev.pk}).content.decode()
    assert "Editors" in listed and "Typing" in listed
    assert "Pipelines" not in listed and "Theirs" not in listed
    notes = client_of.get(reverse("content:note_list"), {"tag": dev.pk}).context["page"]
    assert [note.pk for note in notes] == [both.pk]  # two matching tags, listed once
    python = owner.content_tags.get(name="dev/Python")
    narrower = client_of.get(reverse("content:bookmark_list"), {"tag": python.pk}).content.decode()
    assert "Typing" in narrower and "Editors" not in narrower
    page = client_of.get(reverse("content:tag_detail", args=[dev.pk])).content.decode()
    assert all(title in page for title in ("Editors", "Typing", "Asyncio")) and "Pipelines" not in page
    assert {parent.pk, child.pk} == {
        b.pk for b in client_of.get(reverse("content:bookmark_list"), {"tag": dev.pk}).context["page"]
    }


def test_select_all_applies_a_bulk_action_to_every_page_of_the_filtered_list(
    client_of: Client, owner: Any, stranger: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    unread = [services.create_bookmark(owner, url=f"https://{n}.example/", is_read=False) for n in range(28)]
    read = [services.create_bookmark(owner, url=f"https://r{n}.example/", is_read=True) for n in range(2)]
    theirs = services.create_bookmark(stranger, url="https://x.example/", is_read=False)
    page = client_of.get(reverse("content:bookmark_list"), {"read": "no"}).content.decode()
    assert "or all 28 bookmarks of this list, on every page" in page
    assert '<input type="hidden" name="filters" value="read=no">' in page
    response = client_of.post(
        reverse("content:bookmark_bulk"), {"all": "1", "filters": "read=no", "action": "favorite"}
    )
    assert response.status_code == 302
    favourites = set(Bookmark.objects.filter(is_favorite=True).values_list("pk", flat=True))
    assert favourites == {b.pk for b in unread}  # both pages, not the read ones, not the stranger's
    assert theirs.pk not in favourites and not {b.pk for b in read} & favourites

    confirm = client_of.post(reverse("content:bookmark_bulk_delete"), {"all": "1", "filters": "read=yes"})
    assert "Delete 2 bookmarks?" in confirm.content.decode()
    assert Bookmark.objects.filter(owner=owner).count() == 30  # nothing deleted before confirming

    monkeypatch.setattr("content.views.listing.BULK_MAX", 5)
    refused = client_of.post(
        reverse("content:bookmark_bulk"), {"all": "1", "filters": "read=no", "action": "read"}, follow=True
    )
    assert "At most 5 items can be changed at once" in refused.content.decode()
    assert Bookmark.objects.filter(owner=owner, is_read=True).count() == 2  # nothing changed
    single = client_of.get(reverse("content:bookmark_list"), {"read": "yes"}).content.decode()
    assert 'name="all"' not in single  # one page: ticking is enough
