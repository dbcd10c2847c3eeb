"""The learning-path item kind: share one of your published learning paths on the marketplace.

The snapshot freezes the path's fields, its ordered modules and their cards. Link cards keep their
URL; the author's bookmark and note cards are frozen as a Trackeep archive document (the same shape
the content kinds publish: fresh uids, personal state cleared) and the cards refer to them by uid.
"Add to my Trackeep" restores that document into the reader's own content through
``content.services.import_archive`` (one ``content_changed`` event; a bookmark whose URL the reader
already has is not duplicated, the card points at theirs), then creates the reader's own draft copy
of the path through ``learning.services.copy_path``, all inside the download's transaction.

Registered by ``marketplace.apps``: the marketplace may import learning's selectors and services;
learning never imports the marketplace (``lint-imports``).
"""

from __future__ import annotations

import uuid
from typing import Any

from content.exporters.archive import selection_manifest
from content.models import URL_MAX, Bookmark, Note
from learning import selectors as learning_selectors
from learning import services as learning_services
from learning.models import MAX_MINUTES, TAGS_MAX, TITLE_MAX, LearningPath, Resource
from marketplace.content_kinds import fresh_uids, install_document, plural
from marketplace.kinds import Installed, ItemKind, Snapshot, SourceError

PATH_FIELDS = ("title", "description", "category", "difficulty", "estimated_minutes", "tags")
MAX_MODULES = 200
MAX_CARDS = 500  # cards in one shared path


def _snapshot(owner_id: int, source: str) -> Snapshot:
    path = learning_selectors.published_path_of(owner_id, int(source)) if source.isdigit() else None
    if path is None:
        raise SourceError("Choose one of your published learning paths.")
    modules = learning_selectors.modules_with_resources(path)
    cards = [r for m in modules for r in m.resources.all()]
    if not modules:
        raise SourceError("This path has no modules yet.")
    if len(modules) > MAX_MODULES or len(cards) > MAX_CARDS:
        raise SourceError(f"A shared path can hold at most {MAX_MODULES} modules and {MAX_CARDS} cards.")
    doc = selection_manifest(
        owner_id,
        bookmark_ids=[r.bookmark_id for r in cards if r.bookmark_id],
        note_ids=[r.note_id for r in cards if r.note_id],
    )
    for row in doc["bookmarks"]:
        row.update(is_read=False, is_favorite=False, read_at=None)
    for row in doc["notes"]:
        row.update(is_pinned=False, parent=None)
    uids = fresh_uids(doc["bookmarks"]) | fresh_uids(doc["notes"])

    def card(r: Resource) -> dict[str, Any]:
        if r.kind == Resource.Kind.BOOKMARK and r.bookmark:
            return {"kind": r.kind, "title": r.title, "ref": uids[str(r.bookmark.uid)]}
        if r.kind == Resource.Kind.NOTE and r.note:
            return {"kind": r.kind, "title": r.title, "ref": uids[str(r.note.uid)]}
        return {"kind": Resource.Kind.LINK, "title": r.title, "url": r.url}

    payload = {
        "path": {name: getattr(path, name) for name in PATH_FIELDS},
        "modules": [
            {
                "title": m.title,
                "description": m.description,
                "resources": [card(r) for r in m.resources.all()],
            }
            for m in modules
        ],
        "content": doc,
    }
    return Snapshot(payload, f"{plural(len(modules), 'module')}, {plural(len(cards), 'card')}")


def _fields(raw: Any) -> dict[str, Any]:
    """The path's fields from a payload, with anything out of range replaced by the default."""
    raw = raw if isinstance(raw, dict) else {}
    title = str(raw.get("title") or "").strip()[:TITLE_MAX]
    if not title:
        raise SourceError("the path has no title")
    minutes = raw.get("estimated_minutes")
    return {
        "title": title,
        "description": str(raw.get("description") or ""),
        "category": raw.get("category") if raw.get("category") in LearningPath.Category.values else "other",
        "difficulty": (
            raw.get("difficulty") if raw.get("difficulty") in LearningPath.Difficulty.values else "beginner"
        ),
        "estimated_minutes": minutes if isinstance(minutes, int) and 1 <= minutes <= MAX_MINUTES else 60,
        "tags": str(raw.get("tags") or "")[:TAGS_MAX],
    }


def _uuids(values: list[Any]) -> list[str]:
    """The values that are uuids (a hand-edited payload must not break the lookup)."""
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return valid


def _targets(user: Any, doc: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """``{snapshot uid: reader's bookmark id}`` and ``{snapshot uid: reader's note id}`` after the
    restore: a bookmark skipped because the reader had its URL maps to the reader's own."""
    url_of = {row.get("uid"): row.get("url") for row in doc.get("bookmarks", []) if isinstance(row, dict)}
    by_uid = {
        str(uid): pk
        for uid, pk in Bookmark.objects.filter(owner_id=user.pk, uid__in=_uuids(list(url_of))).values_list(
            "uid", "pk"
        )
    }
    by_url = dict(
        Bookmark.objects.filter(owner_id=user.pk, url__in=[u for u in url_of.values() if u]).values_list(
            "url", "pk"
        )
    )
    bookmarks = {}
    for uid, url in url_of.items():
        found = by_uid.get(uid) or by_url.get(url)
        if found:
            bookmarks[uid] = found
    note_uids = [row.get("uid") for row in doc.get("notes", []) if isinstance(row, dict)]
    notes = {
        str(uid): pk
        for uid, pk in Note.objects.filter(owner_id=user.pk, uid__in=_uuids(note_uids)).values_list(
            "uid", "pk"
        )
    }
    return bookmarks, notes


def _install(user: Any, payload: dict[str, Any]) -> Installed:
    fields = _fields(payload.get("path"))
    modules = payload.get("modules")
    doc = payload.get("content") or {}
    if not isinstance(modules, list) or not isinstance(doc, dict):
        raise SourceError("the path's modules are missing")
    restored = install_document(user, doc) if doc.get("bookmarks") or doc.get("notes") else Installed()
    bookmarks, notes = _targets(user, doc)
    copies = []
    for module in _dicts(modules)[:MAX_MODULES]:
        cards = []
        for r in _dicts(module.get("resources"))[:MAX_CARDS]:
            kind, ref = r.get("kind"), str(r.get("ref") or "")
            cards.append(
                learning_services.ResourceCopy(
                    kind=kind if kind in Resource.Kind.values else Resource.Kind.LINK,
                    title=str(r.get("title") or "")[:TITLE_MAX],
                    url=str(r.get("url") or "")[:URL_MAX],
                    bookmark_id=bookmarks.get(ref) if kind == Resource.Kind.BOOKMARK else None,
                    note_id=notes.get(ref) if kind == Resource.Kind.NOTE else None,
                )
            )
        copies.append(
            learning_services.ModuleCopy(
                title=str(module.get("title") or "Module")[:TITLE_MAX],
                description=str(module.get("description") or ""),
                resources=tuple(cards),
            )
        )
    learning_services.copy_path(user, fields=fields, modules=copies)
    added = {"learning path": 1, "module": len(copies), **restored.added}
    return Installed(added=added, skipped=restored.skipped)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def _preview(payload: dict[str, Any]) -> dict[str, Any]:
    doc = payload.get("content") if isinstance(payload.get("content"), dict) else {}
    titles = {
        row.get("uid"): row.get("title") or row.get("url") or ""
        for row in (*_dicts(doc.get("bookmarks")), *_dicts(doc.get("notes")))
    }
    modules = []
    for module in _dicts(payload.get("modules")):
        cards = []
        for r in _dicts(module.get("resources")):
            url = str(r.get("url") or "")
            link = url if url.lower().startswith(("http://", "https://")) else ""
            title = r.get("title") or titles.get(r.get("ref")) or url
            cards.append({"kind": r.get("kind"), "title": title, "link": link})
        modules.append(
            {"title": module.get("title", ""), "description": module.get("description", ""), "cards": cards}
        )
    path = payload.get("path") if isinstance(payload.get("path"), dict) else {}
    return {
        "path": path,
        "category": dict(LearningPath.Category.choices).get(path.get("category"), ""),
        "difficulty": dict(LearningPath.Difficulty.choices).get(path.get("difficulty"), ""),
        "modules": modules,
    }


LEARNING_PATH = ItemKind(
    key="learning_path",
    label="Learning path",
    description="One of your published learning paths, with its modules and cards.",
    source_label="Learning path",
    sources=lambda owner_id: [
        (str(pk), title) for pk, title in learning_selectors.published_paths_of(owner_id)
    ],
    snapshot=_snapshot,
    install=_install,
    preview=_preview,
    preview_template="marketplace/previews/learning_path.html",
)
