"""The index follows content: creates, edits, deletes (single and bulk), imports, tag renames, merges
and deletes; ``search_reindex`` rebuilds it; stored text is safe for the highlight markers."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from content import services
from content.importers.entries import BookmarkEntry
from content.importers.result import ImportResult
from content.models import Note, Tag
from search import indexing
from search.models import DocumentTag, SearchDocument
from tests.search.conftest import Writer


def doc(kind: str, pk: int) -> SearchDocument | None:
    return SearchDocument.objects.filter(kind=kind, object_id=pk).first()


def tag_names(kind: str, pk: int) -> set[str]:
    return set(
        DocumentTag.objects.filter(document__kind=kind, document__object_id=pk).values_list("name", flat=True)
    )


def test_every_kind_is_indexed_with_its_filters(owner: Any, write: Writer) -> None:
    bookmark = write.bookmark(owner, "Django docs", url="https://docs.djangoproject.com/", description="ORM",
                              is_favorite=True, tags=["Dev/Python", "web"])  # fmt: skip
    task = write.task(owner, "File taxes", description="before June", status="in_progress", priority="urgent")
    note = write.note(owner, "Diary", "# Today\nIt rained.", is_pinned=True)
    stored = write.file(owner, "lease.txt", description="signed copy")

    row = doc("bookmark", bookmark.pk)
    assert row is not None
    assert (row.owner_id, row.title, row.body, row.url) == (owner.pk, "Django docs", "ORM", bookmark.url)
    assert (row.is_favorite, row.is_read, row.is_pinned, row.status) == (True, False, None, "")
    assert row.tag_names == ["Dev/Python", "web"]
    assert tag_names("bookmark", bookmark.pk) == {"dev/python", "web"}
    row = doc("task", task.pk)
    assert row is not None and (row.body, row.status, row.priority, row.is_favorite) == (
        "before June", "in_progress", "urgent", None,
    )  # fmt: skip
    row = doc("note", note.pk)
    assert row is not None and (row.body, row.is_pinned) == ("# Today\nIt rained.", True)
    row = doc("file", stored.pk)
    assert row is not None and (row.title, row.body) == ("lease.txt", "signed copy")


def test_edits_and_toggles_update_the_row(owner: Any, write: Writer) -> None:
    note = write.note(owner, "Draft", "first", tags=["a"])
    with write.committed():
        services.update_note(note, title="Final", content="second", tags=["b"])
    row = doc("note", note.pk)
    assert row is not None and (row.title, row.body, row.tag_names) == ("Final", "second", ["b"])
    assert tag_names("note", note.pk) == {"b"}
    task = write.task(owner, "Chore")
    with write.committed():
        services.set_task_status(task, "completed")
    assert doc("task", task.pk).status == "completed"  # type: ignore[union-attr]


def test_single_and_bulk_deletes_remove_rows_and_their_tag_links(owner: Any, write: Writer) -> None:
    notes = [write.note(owner, f"Note {n}", tags=["x"]) for n in range(3)]
    keep = write.note(owner, "Keep")
    with write.committed():
        services.delete_items(owner.pk, "note", [note.pk for note in notes])
    assert list(SearchDocument.objects.values_list("object_id", flat=True)) == [keep.pk]
    assert not DocumentTag.objects.exists()


def test_an_import_is_indexed_in_bulk(owner: Any, write: Writer, django_assert_max_num_queries: Any) -> None:
    entries = [
        BookmarkEntry(url=f"https://site{n}.example/", title=f"Site {n}", tags=["imported"])
        for n in range(1200)
    ]
    with write.committed():
        services.import_bookmarks(owner, entries, ImportResult())
    assert SearchDocument.objects.filter(owner=owner, kind="bookmark").count() == 1200
    assert DocumentTag.objects.filter(owner=owner, name="imported").count() == 1200
    ids = list(SearchDocument.objects.values_list("object_id", flat=True))
    # Batched, never a query per row: three chunks of 500, each a few queries plus inserts split
    # by SQLite's 999-parameter limit (PostgreSQL sends each chunk's rows in one statement).
    with django_assert_max_num_queries(60):
        indexing.sync("bookmark", ids)


def test_renaming_merging_and_deleting_tags_reindex_the_items(owner: Any, write: Writer) -> None:
    first = write.note(owner, "One", tags=["old"])
    second = write.bookmark(owner, "Two", tags=["other"])
    old = Tag.objects.get(owner=owner, name="old")
    with write.committed():
        services.update_tag(old, name="renamed", color=old.color)
    assert doc("note", first.pk).tag_names == ["renamed"]  # type: ignore[union-attr]
    other = Tag.objects.get(owner=owner, name="other")
    with write.committed():
        services.merge_tags(old, [other])
    assert doc("bookmark", second.pk).tag_names == ["renamed"]  # type: ignore[union-attr]
    assert tag_names("bookmark", second.pk) == {"renamed"}
    with write.committed():
        services.delete_items(owner.pk, "tag", [old.pk])
    assert doc("note", first.pk).tag_names == doc("bookmark", second.pk).tag_names == []  # type: ignore[union-attr]
    assert not DocumentTag.objects.exists()


def test_sync_is_idempotent_and_drops_rows_of_vanished_items(owner: Any, write: Writer) -> None:
    note = write.note(owner, "Here")
    indexing.sync("note", [note.pk])
    indexing.sync("note", [note.pk])
    assert SearchDocument.objects.count() == 1
    Note.objects.filter(pk=note.pk).delete()  # behind content's back: no event
    indexing.sync("note", [note.pk])
    assert not SearchDocument.objects.exists()


def test_control_characters_never_reach_the_index_and_bodies_are_capped(owner: Any, write: Writer) -> None:
    note = write.note(owner, "Bell\x07 and \x02marker\x03", "x" * (indexing.BODY_MAX_CHARS + 50) + "\x1b")
    row = doc("note", note.pk)
    assert row is not None
    assert row.title == "Bell  and  marker "
    assert len(row.body) == indexing.BODY_MAX_CHARS and set(row.body) == {"x"}
    assert indexing.clean("nul\x00 tab\tnew\nline\r") == "nul  tab\tnew\nline\r"


def test_a_failing_index_update_does_not_break_the_write(
    owner: Any, write: Writer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(kind: str, ids: Any, chunk_size: int = 0) -> int:
        raise RuntimeError("index down")

    monkeypatch.setattr(indexing, "sync", broken)
    note = write.note(owner, "Still saved")
    assert Note.objects.filter(pk=note.pk).exists()
    assert "content_changed receiver" in caplog.text


def test_search_reindex_rebuilds_and_removes_stale_rows(owner: Any, stranger: Any, write: Writer) -> None:
    kept = write.note(owner, "Kept")
    write.task(owner, "Task")
    write.note(stranger, "Theirs")
    SearchDocument.objects.filter(owner=owner).delete()
    stale = SearchDocument.objects.create(
        owner=owner, kind="note", object_id=kept.pk + 1000, title="Ghost", created_at=kept.created_at,
        updated_at=kept.updated_at,
    )  # fmt: skip

    out = StringIO()
    call_command("search_reindex", "--user", str(owner.pk), "--dry-run", stdout=out)
    assert (
        "would index 0 bookmark(s), 1 task(s), 1 note(s), 0 file(s); would remove 1 stale" in out.getvalue()
    )
    assert SearchDocument.objects.filter(owner=owner).count() == 1

    out = StringIO()
    call_command("search_reindex", "--user", str(owner.pk), "--chunk-size", "1", stdout=out)
    assert "indexed 0 bookmark(s), 1 task(s), 1 note(s), 0 file(s); removed 1 stale" in out.getvalue()
    assert set(SearchDocument.objects.filter(owner=owner).values_list("kind", "title")) == {
        ("note", "Kept"), ("task", "Task"),
    }  # fmt: skip
    assert not SearchDocument.objects.filter(pk=stale.pk).exists()
    assert SearchDocument.objects.filter(owner=stranger).count() == 1

    call_command("search_reindex", stdout=StringIO())  # every user
    assert SearchDocument.objects.count() == 3


def test_search_reindex_rejects_bad_options(db: None) -> None:
    with pytest.raises(CommandError, match="chunk-size"):
        call_command("search_reindex", "--chunk-size", "0", stdout=StringIO())
    with pytest.raises(CommandError, match="No users"):
        call_command("search_reindex", "--user", "987654", stdout=StringIO(), stderr=StringIO())
