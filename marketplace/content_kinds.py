"""The item kinds made of the author's own content: bookmark collection, note template, task list.

Each snapshot is a Trackeep archive document (``content.exporters.archive.selection_manifest``)
with fresh uids, so a copy never collides with the author's items, and with personal state reset
(read and favourite marks, pins, task progress and due dates). Installing a copy goes through
``content.services.import_archive``: one transaction, one ``content_changed`` event, tags matched
by name (existing tags are reused), and items the reader already has (same uid, or for bookmarks
the same URL) are skipped, so a copy never duplicates anything. Copies keep the dates of the
author's originals, as a restored archive does.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count

from content import selectors as content_selectors
from content import services as content_services
from content.exporters.archive import selection_manifest
from content.importers.archive import ArchiveError, parse_document
from content.importers.result import ImportResult
from content.models import Bookmark, Note, Task
from content.rendering import render_markdown
from marketplace.kinds import Installed, ItemKind, Snapshot, SourceError

MAX_ITEMS = 500  # bookmarks or tasks in one published collection
MAX_NOTE_SOURCES = 300  # notes offered on the publish form


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _tag_sources(model: type[Bookmark] | type[Task], owner_id: int, word: str) -> list[tuple[str, str]]:
    """The owner's tags that carry at least one item of ``model``, with the count."""
    through = model.tags.through
    counts = dict(
        through.objects.filter(tag__owner_id=owner_id)
        .values("tag_id")
        .annotate(n=Count("pk"))
        .values_list("tag_id", "n")
    )
    tags = content_selectors.owner_tags(owner_id)
    return [(str(t.pk), f"{t.name} ({plural(counts[t.pk], word)})") for t in tags if counts.get(t.pk)]


def _tagged_ids(model: type[Bookmark] | type[Task], owner_id: int, source: str) -> list[int]:
    if not source.isdigit():
        raise SourceError("Choose one of your tags.")
    ids = list(
        model.objects.filter(owner_id=owner_id, tags__id=int(source))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: MAX_ITEMS + 1]
    )
    if not ids:
        raise SourceError("Nothing of yours carries this tag.")
    if len(ids) > MAX_ITEMS:
        raise SourceError(f"A collection can hold at most {MAX_ITEMS} items; this tag has more.")
    return ids


def fresh_uids(rows: list[dict[str, Any]]) -> dict[str, str]:
    """New uids for every row, with parent references remapped (a parent outside the rows is
    dropped); returns ``{old uid: new uid}``."""
    mapping = {row["uid"]: str(uuid.uuid4()) for row in rows}
    for row in rows:
        row["uid"] = mapping[row["uid"]]
        if "parent" in row:
            row["parent"] = mapping.get(row["parent"]) if row["parent"] else None
    return mapping


def install_document(user: Any, payload: dict[str, Any]) -> Installed:
    """Restore a content snapshot into ``user``'s Trackeep (one transaction, one event)."""
    result = ImportResult()
    try:
        archive = parse_document(payload, result)
    except ArchiveError as error:
        raise SourceError(str(error)) from error
    content_services.import_archive(user, archive, result)
    skipped = result.total_duplicates + result.total_invalid
    return Installed(added={kind: n for kind, n in result.added.items() if n}, skipped=skipped)


# --- bookmark collection: a tag's bookmarks -------------------------------------------------------


def _collection_snapshot(owner_id: int, source: str) -> Snapshot:
    doc = selection_manifest(owner_id, bookmark_ids=_tagged_ids(Bookmark, owner_id, source))
    for row in doc["bookmarks"]:
        row.update(is_read=False, is_favorite=False, read_at=None)
    fresh_uids(doc["bookmarks"])
    return Snapshot(doc, plural(len(doc["bookmarks"]), "bookmark"))


def _collection_preview(payload: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for bookmark in payload.get("bookmarks", []):
        url = str(bookmark.get("url", ""))
        link = url if url.lower().startswith(("http://", "https://")) else ""
        rows.append({**bookmark, "link": link})
    return {"bookmarks": rows}


BOOKMARK_COLLECTION = ItemKind(
    key="bookmark_collection",
    label="Bookmark collection",
    description="The bookmarks carrying one of your tags, with their tags.",
    source_label="Tag",
    sources=lambda owner_id: _tag_sources(Bookmark, owner_id, "bookmark"),
    snapshot=_collection_snapshot,
    install=install_document,
    preview=_collection_preview,
    preview_template="marketplace/previews/bookmarks.html",
)


# --- note template: one note ----------------------------------------------------------------------


def _note_sources(owner_id: int) -> list[tuple[str, str]]:
    notes = Note.objects.filter(owner_id=owner_id).order_by("-updated_at").values_list("pk", "title")
    return [(str(pk), title) for pk, title in notes[:MAX_NOTE_SOURCES]]


def _note_snapshot(owner_id: int, source: str) -> Snapshot:
    if not source.isdigit() or not Note.objects.filter(owner_id=owner_id, pk=int(source)).exists():
        raise SourceError("Choose one of your notes.")
    doc = selection_manifest(owner_id, note_ids=[int(source)])
    for row in doc["notes"]:
        row.update(is_pinned=False, parent=None)
    fresh_uids(doc["notes"])
    return Snapshot(doc, "1 note")


def _note_preview(payload: dict[str, Any]) -> dict[str, Any]:
    notes = payload.get("notes", [])
    note = notes[0] if notes else {}
    return {"note": note, "html": render_markdown(str(note.get("content", "")))}


NOTE_TEMPLATE = ItemKind(
    key="note_template",
    label="Note template",
    description="One of your notes, for others to start theirs from.",
    source_label="Note",
    sources=_note_sources,
    snapshot=_note_snapshot,
    install=install_document,
    preview=_note_preview,
    preview_template="marketplace/previews/note.html",
)


# --- task-list template: a tag's tasks, subtasks kept under their parents -------------------------


def _task_snapshot(owner_id: int, source: str) -> Snapshot:
    doc = selection_manifest(owner_id, task_ids=_tagged_ids(Task, owner_id, source))
    for row in doc["tasks"]:
        row.update(status="pending", progress=0, completed_at=None, due_date=None)
    fresh_uids(doc["tasks"])
    return Snapshot(doc, plural(len(doc["tasks"]), "task"))


def _task_preview(payload: dict[str, Any]) -> dict[str, Any]:
    tasks = payload.get("tasks", [])
    children: dict[str | None, list[dict[str, Any]]] = {}
    for task in tasks:
        children.setdefault(task.get("parent"), []).append(task)
    rows: list[tuple[int, dict[str, Any]]] = []
    stack: list[tuple[int, dict[str, Any]]] = [(0, task) for task in reversed(children.get(None, []))]
    seen: set[str] = set()
    while stack:  # depth first, each task once (a hand-edited payload cannot loop)
        depth, task = stack.pop()
        if task.get("uid") in seen:
            continue
        seen.add(task.get("uid"))
        rows.append((depth, task))
        stack.extend((depth + 1, child) for child in reversed(children.get(task.get("uid"), [])))
    return {"rows": rows}


TASK_LIST_TEMPLATE = ItemKind(
    key="task_list_template",
    label="Task-list template",
    description="The tasks carrying one of your tags, as a fresh checklist (subtasks kept).",
    source_label="Tag",
    sources=lambda owner_id: _tag_sources(Task, owner_id, "task"),
    snapshot=_task_snapshot,
    install=install_document,
    preview=_task_preview,
    preview_template="marketplace/previews/tasks.html",
)

CONTENT_KINDS = (BOOKMARK_COLLECTION, NOTE_TEMPLATE, TASK_LIST_TEMPLATE)
