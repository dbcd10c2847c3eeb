"""Publishing, approval and "Add to my Trackeep": what others may see, and a copy made exactly once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from content import services as content_services
from content.events import content_changed
from content.models import Bookmark, Note, Tag, Task
from core.redis import keys
from core.redis.client import get_client
from marketplace import kinds, services
from marketplace.models import Download, Item, MarketplaceSettings
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def collection(author: Any, committed: Callable[[], Any]) -> Item:
    """A published collection of the author's two "python" bookmarks (one also tagged "web")."""
    with committed():
        content_services.create_bookmark(
            author, url="https://docs.python.org/", title="Docs", tags=["Python"]
        )
        content_services.create_bookmark(
            author, url="https://pypi.org/", title="PyPI", tags=["Python", "web"], is_favorite=True
        )
        content_services.create_bookmark(author, url="https://example.com/", title="Elsewhere", tags=["misc"])
        tag = Tag.objects.get(owner=author, name="Python")
        return services.publish(
            author, "bookmark_collection", str(tag.pk), title="Python links", tags=["python"]
        )


def test_add_to_my_trackeep_copies_a_bookmark_collection_with_its_tags_exactly_once(
    committed: Callable[[], Any],
) -> None:
    author, reader = make_user(), make_user()
    item = collection(author, committed)
    assert item.summary == "2 bookmarks"
    events: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        events.append(kwargs)

    content_changed.connect(listen, dispatch_uid="test.market.copy")
    try:
        with committed():
            first = services.add_to_trackeep(reader, item)
        with committed():
            again = services.add_to_trackeep(reader, item)
    finally:
        content_changed.disconnect(dispatch_uid="test.market.copy")

    assert first.first and first.installed.added == {"bookmark": 2, "tag": 2}
    assert not again.first and again.installed.total == 0
    copies = Bookmark.objects.filter(owner=reader).prefetch_related("tags").order_by("title")
    assert [(b.title, b.url, sorted(t.name for t in b.tags.all())) for b in copies] == [
        ("Docs", "https://docs.python.org/", ["Python"]),
        ("PyPI", "https://pypi.org/", ["Python", "web"]),
    ]
    assert not any(b.is_favorite for b in copies)  # personal marks are not copied
    assert sorted(Tag.objects.filter(owner=reader).values_list("name", flat=True)) == ["Python", "web"]
    # The author's own bookmarks are untouched and the copies are new rows with new uids.
    assert Bookmark.objects.filter(owner=author).count() == 3
    assert not set(copies.values_list("uid", flat=True)) & set(
        Bookmark.objects.filter(owner=author).values_list("uid", flat=True)
    )
    # One content event for the copy (search index, dashboard), none for the repeat.
    assert len(events) == 1 and events[0]["user_id"] == reader.pk
    item.refresh_from_db()
    assert item.download_count == 1 and Download.objects.filter(item=item).count() == 1
    assert get_client("state").zscore(keys.marketplace_downloads(), item.pk) == 1


def test_copies_reuse_the_readers_tags_and_skip_what_they_already_have(committed: Callable[[], Any]) -> None:
    author, reader = make_user(), make_user()
    item = collection(author, committed)
    with committed():
        content_services.create_bookmark(reader, url="https://pypi.org/", title="Mine", tags=["python"])
        added = services.add_to_trackeep(reader, item)
    assert added.installed.added == {"bookmark": 1, "tag": 1} and added.installed.skipped >= 1
    assert sorted(Tag.objects.filter(owner=reader).values_list("name", flat=True)) == ["python", "web"]


def test_note_and_task_list_templates_copy_fresh(committed: Callable[[], Any]) -> None:
    author, reader = make_user(), make_user()
    with committed():
        note = content_services.create_note(
            author, title="Weekly review", content="## Wins\n", is_pinned=True
        )
        parent = content_services.create_task(author, title="Move house", tags=["moving"], status="completed")
        content_services.create_task(
            author, title="Book van", tags=["moving"], parent=parent, priority="high"
        )
        tag = Tag.objects.get(owner=author, name="moving")
        note_item = services.publish(author, "note_template", str(note.pk), title="Weekly review")
        task_item = services.publish(author, "task_list_template", str(tag.pk), title="Moving checklist")
        services.add_to_trackeep(reader, note_item)
        services.add_to_trackeep(reader, task_item)
    copy = Note.objects.get(owner=reader)
    assert (copy.title, copy.content, copy.is_pinned) == ("Weekly review", "## Wins\n", False)
    assert "<h2>Wins</h2>" in copy.content_html
    tasks = {t.title: t for t in Task.objects.filter(owner=reader).select_related("parent")}
    assert tasks["Move house"].status == "pending" and tasks["Move house"].completed_at is None
    assert tasks["Book van"].parent == tasks["Move house"] and tasks["Book van"].priority == "high"


def test_the_snapshot_does_not_follow_later_edits_until_refreshed(committed: Callable[[], Any]) -> None:
    author = make_user()
    with committed():
        note = content_services.create_note(author, title="Plan", content="v1")
        item = services.publish(author, "note_template", str(note.pk), title="Plan")
        content_services.update_note(note, title="Plan", content="v2")
    item.refresh_from_db()
    assert item.payload["notes"][0]["content"] == "v1"
    services.update_item(item, tags=[], refresh=True, title="Plan", version="2.0")
    item.refresh_from_db()
    assert item.payload["notes"][0]["content"] == "v2" and item.version == "2.0"


def test_unapproved_items_are_invisible_to_others(committed: Callable[[], Any]) -> None:
    MarketplaceSettings.objects.update_or_create(pk=1, defaults={"require_approval": True})
    author, reader = make_user(), make_user()
    admin = make_user(is_staff=True)
    with committed():
        item = collection(author, committed)
    assert item.status == Item.Status.PENDING
    url = f"/marketplace/i/{item.pk}/"
    assert signed_in(reader).get(url).status_code == 404
    assert signed_in(reader).post(f"{url}add/").status_code == 404
    assert signed_in(reader).post(f"{url}review/", {"stars": 5}).status_code == 404
    assert signed_in(author).get(url).status_code == 200
    assert signed_in(admin).get(url).status_code == 200
    assert item.title not in signed_in(reader).get("/marketplace/?sort=newest").content.decode()
    assert get_client("state").zscore(keys.marketplace_top_rated(), item.pk) is None
    with pytest.raises(services.MarketplaceError):
        services.add_to_trackeep(reader, item)

    with committed():
        assert services.approve([item]) == 1
    assert signed_in(reader).get(url).status_code == 200
    assert item.title in signed_in(reader).get("/marketplace/?sort=newest").content.decode()
    assert get_client("state").zscore(keys.marketplace_top_rated(), item.pk) is not None


def test_a_kind_from_another_app_plugs_in(committed: Callable[[], Any]) -> None:
    """The extension point (the learning path kind uses it): a kind registered by key, with its own
    snapshot and install; pages, reviews, downloads and rankings need nothing else."""
    installed: list[tuple[int, dict[str, Any]]] = []
    path_kind = kinds.ItemKind(
        key="course",
        label="Course",
        description="A course of steps.",
        source_label="Course",
        sources=lambda owner_id: [("7", "Rust in a month")],
        snapshot=lambda owner_id, source: kinds.Snapshot({"steps": ["ownership", "traits"]}, "2 steps"),
        install=lambda user, payload: installed.append((user.pk, payload)) or kinds.Installed({"step": 2}),
        preview=lambda payload: {"steps": payload["steps"]},
        preview_template="marketplace/previews/note.html",
    )
    kinds.register(path_kind)
    try:
        author, reader = make_user(), make_user()
        response = signed_in(author).post(
            "/marketplace/publish/course/",
            {"source": "7", "title": "Rust", "category": "learning", "licence": "MIT", "version": "1"},
        )
        assert response.status_code == 302, response.content
        item = Item.objects.get(kind="course")
        with committed():
            added = services.add_to_trackeep(reader, item)
        assert added.installed.added == {"step": 2}
        assert installed == [(reader.pk, {"steps": ["ownership", "traits"]})]
        assert signed_in(reader).get(f"/marketplace/i/{item.pk}/").status_code == 200
    finally:
        kinds.unregister("course")
    # Unregistered again (a deployment without the app): the item still shows, but cannot be added.
    page = signed_in(make_user()).get(f"/marketplace/i/{item.pk}/")
    assert page.status_code == 200 and "cannot be added on this site" in page.content.decode()


def test_publishing_refuses_a_source_that_is_not_the_authors(committed: Callable[[], Any]) -> None:
    owner, other = make_user(), make_user()
    with committed():
        note = content_services.create_note(owner, title="Private", content="secret")
    client: Client = signed_in(other)
    response = client.post(
        "/marketplace/publish/note_template/",
        {"source": str(note.pk), "title": "Stolen", "category": "other", "licence": "MIT", "version": "1"},
    )
    assert response.status_code == 400
    assert not Item.objects.exists()
    with pytest.raises(kinds.SourceError):
        services.publish(other, "note_template", str(note.pk), title="Stolen")
