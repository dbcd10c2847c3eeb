"""Keeping ``SearchDocument`` rows in step with content: sync items, reindex tags, rebuild users.

``sync(kind, ids)`` makes the index agree with the content table for those ids, whatever happened to
them: items that exist are upserted (one bulk ``INSERT ... ON CONFLICT DO UPDATE`` per chunk) with
their tag links, items that no longer exist lose their rows. So one function serves created, updated
and deleted events alike, bulk or single, and running it twice changes nothing.

Text is stored as the index should see it: control characters become spaces (they would break
highlight markers and PostgreSQL rejects NUL) and bodies are capped at ``BODY_MAX_CHARS`` (a tsvector
holds at most 1 MB; nobody searches deeper into one note). A bookmark's body is its description
followed by the plain text of its reader copy (``reader.selectors.texts``), so a word that only the
saved page contains finds the bookmark.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model

from content.models import Bookmark, Note, StoredFile, Task
from reader import selectors as reader_selectors
from search.models import KINDS, DocumentTag, SearchDocument

BODY_MAX_CHARS = 100_000
CHUNK_SIZE = 500
MODELS: dict[str, type[Model]] = {"bookmark": Bookmark, "task": Task, "note": Note, "file": StoredFile}
UPDATE_FIELDS = [
    "owner",
    "title",
    "body",
    "tags",
    "url",
    "created_at",
    "updated_at",
    "is_favorite",
    "is_read",
    "status",
    "priority",
    "is_pinned",
]

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str, limit: int | None = None) -> str:
    """``text`` without control characters (tabs and newlines kept), at most ``limit`` characters."""
    return _CONTROL.sub(" ", text[:limit] if limit else text)


def _fields(kind: str, item: Any) -> dict[str, Any]:
    if kind == "bookmark":
        return {"title": item.title, "body": item.description, "url": item.url,
                "is_favorite": item.is_favorite, "is_read": item.is_read}  # fmt: skip
    if kind == "task":
        return {
            "title": item.title,
            "body": item.description,
            "status": item.status,
            "priority": item.priority,
        }
    if kind == "note":
        return {"title": item.title, "body": item.content, "is_pinned": item.is_pinned}
    return {"title": item.name, "body": item.description}


def document_for(kind: str, item: Any, tag_names: list[str], page_text: str = "") -> SearchDocument:
    """The index row of one content item (``page_text``: a bookmark's reader copy, added to its body)."""
    fields = _fields(kind, item)
    if page_text:
        fields["body"] = f"{fields['body']}\n\n{page_text}" if fields["body"] else page_text
    return SearchDocument(
        owner_id=item.owner_id,
        kind=kind,
        object_id=item.pk,
        title=clean(fields.pop("title")),
        body=clean(fields.pop("body"), BODY_MAX_CHARS),
        tags="\n".join(clean(name) for name in tag_names),
        url=clean(fields.pop("url", "")),
        created_at=item.created_at,
        updated_at=item.updated_at,
        **fields,
    )


def chunks(ids: Iterable[int], size: int = CHUNK_SIZE) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def sync(kind: str, ids: Iterable[int], chunk_size: int = CHUNK_SIZE) -> int:
    """Make the index match the content table for these ids of ``kind``; returns rows upserted."""
    upserted = 0
    for chunk in chunks(ids, chunk_size):
        with transaction.atomic():
            upserted += _sync_chunk(kind, chunk)
    return upserted


def _sync_chunk(kind: str, ids: list[int]) -> int:
    items = list(MODELS[kind]._default_manager.filter(pk__in=ids).prefetch_related("tags"))
    gone = set(ids) - {item.pk for item in items}
    if gone:
        SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
    if not items:
        return 0
    tags = {item.pk: sorted(item.tags.all(), key=lambda tag: tag.name.lower()) for item in items}
    pages = reader_selectors.texts(tags) if kind == "bookmark" else {}
    SearchDocument.objects.bulk_create(
        [
            document_for(kind, item, [tag.name for tag in tags[item.pk]], pages.get(item.pk, ""))
            for item in items
        ],
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=UPDATE_FIELDS,
    )
    document_ids = dict(
        SearchDocument.objects.filter(kind=kind, object_id__in=tags).values_list("object_id", "pk")
    )
    DocumentTag.objects.filter(document_id__in=document_ids.values()).delete()
    DocumentTag.objects.bulk_create(
        DocumentTag(
            document_id=document_ids[item.pk], owner_id=item.owner_id, tag_id=tag.pk, name=tag.name.lower()
        )
        for item in items
        for tag in tags[item.pk]
    )
    return len(items)


def reindex_tagged(user_id: int, tag_ids: Iterable[int]) -> int:
    """Re-sync every indexed item of ``user_id`` that carried one of these tags (renamed, merged or
    deleted: the links found here are the ones indexed before the change)."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    links = DocumentTag.objects.filter(owner_id=user_id, tag_id__in=list(tag_ids))
    for kind, object_id in links.values_list("document__kind", "document__object_id"):
        by_kind[kind].add(object_id)
    return sum(sync(kind, ids) for kind, ids in by_kind.items())


@dataclass
class Rebuild:
    """What ``rebuild_user`` did (or, with ``dry_run``, would do) for one user."""

    user_id: int
    items: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)


def rebuild_user(
    user_id: int,
    chunk_size: int = CHUNK_SIZE,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
    missing_only: bool = False,
) -> Rebuild:
    """Re-index every item of ``user_id`` and drop rows whose items are gone (``search_reindex``);
    with ``missing_only``, index just the items that have no row (``search_reindex --missing``: what
    an interrupted import or a failed receiver left out) and touch nothing else.

    Items are walked in primary-key order with keyset pagination, one chunk per transaction, so an
    interrupted run loses at most its current chunk and the next ``--missing`` run goes on from there.
    """
    report = Rebuild(user_id)
    for kind in KINDS:
        model = MODELS[kind]
        owned = model._default_manager.filter(owner_id=user_id)
        indexed = SearchDocument.objects.filter(owner_id=user_id, kind=kind)
        if missing_only:
            owned = owned.exclude(pk__in=indexed.values("object_id"))
            report.stale[kind] = 0
        else:
            stale = indexed.exclude(object_id__in=owned.values("pk"))
            report.stale[kind] = (
                stale.count() if dry_run else stale.delete()[1].get(SearchDocument._meta.label, 0)
            )
        report.items[kind] = 0
        last = 0
        while True:
            ids = list(owned.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk_size])
            if not ids:
                break
            if not dry_run:
                sync(kind, ids, chunk_size)
            report.items[kind] += len(ids)
            last = ids[-1]
            if progress:
                progress(kind, report.items[kind])
    return report
