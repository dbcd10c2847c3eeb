"""Every write goes through content.services: after the commit it sends one ``content_changed``
event for the operation, and the search and analytics receivers bump the owner's search,
dashboard and recommendations families exactly once (checked on the real Redis counters), also for
bulk operations; a rolled-back write does neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from content import services
from content.events import content_changed
from content.importers import netscape
from content.importers.result import ImportResult
from content.models import Bookmark, Tag
from tests.content.conftest import CONTENT_FAMILIES, BumpRecorder, generations

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(bumps: BumpRecorder) -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, *, user_id: int, changes: Any, **kwargs: Any) -> None:
        received.extend(
            {"user_id": user_id, "kind": c.kind, "ids": list(c.ids), "action": c.action} for c in changes
        )

    content_changed.connect(receiver, dispatch_uid="test-content-events")
    yield received
    content_changed.disconnect(dispatch_uid="test-content-events")


@pytest.fixture
def once(
    bumps: BumpRecorder, events: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> Callable[..., Any]:
    """Run an operation of ``user`` and check it bumped each of their generations exactly once."""

    def run(user: Any, operation: Callable[[], Any]) -> Any:
        before = generations(user.pk)
        bumps.calls.clear()
        events.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = operation()
        for family in CONTENT_FAMILIES:
            assert bumps.count(family, user.pk) == 1
        assert len(bumps.calls) == len(CONTENT_FAMILIES)
        after = generations(user.pk)
        assert {family: after[family] - before[family] for family in after} == dict.fromkeys(
            CONTENT_FAMILIES, 1
        )
        return result

    return run


def test_create_update_toggle_delete_each_bump_once(
    once: Callable[..., Any], events: list[dict[str, Any]], owner: Any, stranger: Any
) -> None:
    stranger_before = generations(stranger.pk)
    bookmark = once(owner, lambda: services.create_bookmark(owner, url="https://a.example", tags=["a", "b"]))
    assert events == [{"user_id": owner.pk, "kind": "bookmark", "ids": [bookmark.pk], "action": "created"}]
    once(owner, lambda: services.update_bookmark(bookmark, title="New", tags=["c"]))
    assert events[0]["action"] == "updated"
    once(owner, lambda: services.set_bookmark_flags(bookmark, is_read=True))
    task = once(owner, lambda: services.create_task(owner, title="T"))
    once(owner, lambda: services.set_task_status(task, "completed"))
    note = once(owner, lambda: services.create_note(owner, title="N", content="x"))
    once(owner, lambda: services.set_note_pinned(note, True))
    stored = once(owner, lambda: services.create_file(owner, upload=SimpleUploadedFile("a.txt", b"hi")))
    link = once(owner, lambda: services.create_share_link(stored))
    once(owner, lambda: services.revoke_share_link(link))
    once(owner, lambda: services.delete_items(owner.pk, "bookmark", [bookmark.pk]))
    assert events == [{"user_id": owner.pk, "kind": "bookmark", "ids": [bookmark.pk], "action": "deleted"}]
    assert generations(stranger.pk) == stranger_before


def test_views_go_through_the_services(once: Callable[..., Any], client_of: Client, owner: Any) -> None:
    once(owner, lambda: client_of.post(reverse("content:task_create"), {"title": "From the page",
         "status": "pending", "priority": "low", "progress": "0"}))  # fmt: skip
    task_id = owner.content_tasks.get().pk
    toggle = reverse("content:task_toggle", args=[task_id])
    once(owner, lambda: client_of.post(toggle, HTTP_HX_REQUEST="true"))
    once(owner, lambda: client_of.post(reverse("content:task_delete", args=[task_id])))


def test_bulk_operations_emit_one_invalidation(
    once: Callable[..., Any], events: list[dict[str, Any]], owner: Any
) -> None:
    html = "<DL><p>" + "".join(
        f'<DT><H3>F{n % 3}</H3><DL><p><DT><A HREF="https://{n}.example/">{n}</A></DL><p>' for n in range(40)
    )
    result = ImportResult()
    entries = netscape.parse(html.encode(), result)
    once(owner, lambda: services.import_bookmarks(owner, entries, result))
    assert result.added["bookmark"] == 40
    assert len(events) == 1 and len(events[0]["ids"]) == 40 and events[0]["action"] == "created"

    ids = list(Bookmark.objects.filter(owner=owner).values_list("pk", flat=True))
    once(owner, lambda: services.delete_items(owner.pk, "bookmark", ids[:25]))
    assert [(e["kind"], len(e["ids"]), e["action"]) for e in events] == [("bookmark", 25, "deleted")]

    tags = {tag.name: tag for tag in Tag.objects.filter(owner=owner)}
    once(owner, lambda: services.merge_tags(tags["F0"], [tags["F1"], tags["F2"]]))
    assert sorted((e["kind"], e["action"], len(e["ids"])) for e in events) == [
        ("tag", "deleted", 2),
        ("tag", "updated", 1),
    ]
    assert Bookmark.objects.filter(owner=owner, tags=tags["F0"]).count() == 15


def test_a_rolled_back_write_bumps_and_announces_nothing(
    bumps: BumpRecorder, events: list[dict[str, Any]], owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    before = generations(owner.pk)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.create_bookmark(owner, url="https://a.example", title="A")
        raise RuntimeError("something later in the request failed")
    assert bumps.calls == [] and events == []
    assert generations(owner.pk) == before
    assert not Bookmark.objects.exists()


def test_a_failing_receiver_does_not_break_the_write(
    once: Callable[..., Any], owner: Any, events: list[dict[str, Any]]
) -> None:
    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("listener bug")

    content_changed.connect(broken, dispatch_uid="test-broken-receiver")
    try:
        once(owner, lambda: services.create_note(owner, title="Still saved", content=""))
    finally:
        content_changed.disconnect(dispatch_uid="test-broken-receiver")
    assert owner.content_notes.filter(title="Still saved").exists()
    assert len(events) == 1


def test_the_index_is_updated_before_search_results_are_invalidated(
    once: Callable[..., Any], owner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that starts after the bump reads the new index."""
    from core.redis import cache_aside
    from search.models import SearchDocument

    indexed_at_bump: list[bool] = []
    real = cache_aside.bump

    def checking(family: str, user_id: int | None) -> None:
        if family == "search":
            indexed_at_bump.append(SearchDocument.objects.filter(owner_id=owner.pk, title="Order").exists())
        real(family, user_id)

    monkeypatch.setattr(cache_aside, "bump", checking)
    once(owner, lambda: services.create_task(owner, title="Order"))
    assert indexed_at_bump == [True]
