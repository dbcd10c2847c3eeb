"""Every write to content goes through here: create, update, delete, toggles, tags, files, imports.

Each operation runs in one transaction and ends with ``_changed``: after the commit, it sends
``content.events.content_changed`` once for the whole operation, listing every kind and action it
touched. Apps that cache what content holds (search results, dashboards) invalidate their own
families in their receivers, once per event however many rows changed; a rolled-back write announces
nothing. Bulk operations (imports, bulk delete, tag merges) follow the same rule, so a
5,000-bookmark import costs one INCR per family, not 10,000.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Model
from django.db.models.functions import Lower
from django.utils import timezone

from content import metadata, tagnames
from content.caches import LISTS
from content.events import Change, content_changed
from content.importers.archive import Archive
from content.importers.entries import BookmarkEntry, NoteEntry
from content.importers.result import ImportResult
from content.models import (
    Bookmark,
    Collection,
    CollectionItem,
    CollectionLink,
    Note,
    Project,
    ShareLink,
    StoredFile,
    Tag,
    Task,
)
from content.recurrence import next_due
from content.rendering import set_task
from content.selectors import MODELS, TAG_RELATIONS, would_cycle
from content.sniff import SNIFF_BYTES, TypeMismatch, check_claim, sniff
from content.uploads import UploadRejected, check_upload, clean_file_name, upload_path
from content.urlkeys import url_hash
from core.events import announce

logger = logging.getLogger(__name__)

CREATED, UPDATED, DELETED = "created", "updated", "deleted"
BATCH_SIZE = 500


def _changed(owner_id: int, *changes: Change) -> None:
    """After commit: one ``content_changed`` event for the whole operation (nothing if rolled back)."""
    changes = tuple(change for change in changes if change.ids)
    if changes:
        announce("content_changed", content_changed, Change, user_id=owner_id, changes=changes)


def _set_fields(item: Model, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)} on {type(item).__name__}")
    for name, value in fields.items():
        setattr(item, name, value)


# --- tags -----------------------------------------------------------------------------------


class TagNameTaken(ValueError):
    """Another tag of the same owner already has this name (case-insensitively)."""


def resolve_tags(owner_id: int, names: Iterable[str]) -> list[Tag]:
    """The owner's tags with these names, creating the missing ones (part of the caller's operation)."""
    wanted = tagnames.unique(names)
    if not wanted:
        return []
    lowered = [name.lower() for name in wanted]

    def existing() -> dict[str, Tag]:
        found = Tag.objects.annotate(lname=Lower("name")).filter(owner_id=owner_id, lname__in=lowered)
        return {tag.name.lower(): tag for tag in found}

    by_name = existing()
    missing = [name for name in wanted if name.lower() not in by_name]
    if missing:
        Tag.objects.bulk_create(
            [Tag(owner_id=owner_id, name=name, color=tagnames.default_color(name)) for name in missing],
            ignore_conflicts=True,  # a concurrent request may have just created one of them
        )
        by_name = existing()
    return [by_name[name] for name in lowered if name in by_name]


def _name_taken(owner_id: int, name: str, exclude_id: int | None = None) -> bool:
    others = Tag.objects.annotate(lname=Lower("name")).filter(owner_id=owner_id, lname=name.lower())
    return others.exclude(pk=exclude_id).exists() if exclude_id else others.exists()


def create_tag(owner: Any, *, name: str, color: str = "") -> Tag:
    name = tagnames.normalize(name)
    if _name_taken(owner.pk, name):
        raise TagNameTaken(name)
    with transaction.atomic():
        tag = Tag.objects.create(owner_id=owner.pk, name=name, color=color or tagnames.default_color(name))
        _changed(owner.pk, Change("tag", (tag.pk,), CREATED))
    return tag


def update_tag(tag: Tag, *, name: str, color: str) -> Tag:
    """Rename and/or recolour a tag; every item carrying it shows the new name at once."""
    name = tagnames.normalize(name)
    if _name_taken(tag.owner_id, name, exclude_id=tag.pk):
        raise TagNameTaken(name)
    with transaction.atomic():
        tag.name, tag.color = name, color
        tag.save(update_fields=["name", "color"])
        _changed(tag.owner_id, Change("tag", (tag.pk,), UPDATED))
    return tag


def merge_tags(target: Tag, sources: Sequence[Tag]) -> int:
    """Give every item tagged with one of ``sources`` the ``target`` tag, then delete the sources.
    Returns how many item links were added to the target."""
    source_ids = [tag.pk for tag in sources if tag.pk != target.pk and tag.owner_id == target.owner_id]
    if not source_ids:
        return 0
    added = 0
    with transaction.atomic():
        for relation in TAG_RELATIONS.values():
            through = getattr(Tag, relation).rel.through
            item_column = next(
                f.attname for f in through._meta.fields if f.attname.endswith("_id") and f.attname != "tag_id"
            )
            tagged = set(through.objects.filter(tag_id__in=source_ids).values_list(item_column, flat=True))
            already = set(through.objects.filter(tag_id=target.pk).values_list(item_column, flat=True))
            rows = [through(**{item_column: item_id, "tag_id": target.pk}) for item_id in tagged - already]
            through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            added += len(rows)
        Tag.objects.filter(pk__in=source_ids).delete()
        _changed(
            target.owner_id,
            Change("tag", (target.pk,), UPDATED),
            Change("tag", tuple(source_ids), DELETED),
        )
    return added


# --- bookmarks ------------------------------------------------------------------------------

BOOKMARK_FIELDS = ("title", "url", "description", "favicon_url", "is_read", "is_favorite")


def _save_item(item: Bookmark | Task | Note, kind: str, owner_id: int, tags: Iterable[str] | None) -> None:
    """Insert (no pk yet) or update ``item``, replace its tags when given, announce it: one transaction."""
    created = item.pk is None
    with transaction.atomic():
        item.save(force_insert=created)
        if tags is not None:
            item.tags.set(resolve_tags(owner_id, tags))
        _changed(owner_id, Change(kind, (item.pk,), CREATED if created else UPDATED))


def _sync_read_at(bookmark: Bookmark, now: dt.datetime) -> None:
    if bookmark.is_read and bookmark.read_at is None:
        bookmark.read_at = now
    elif not bookmark.is_read:
        bookmark.read_at = None


def create_bookmark(owner: Any, *, url: str, tags: Iterable[str] = (), **fields: Any) -> Bookmark:
    """Save a bookmark. Without a title it gets one from the URL now, and (when
    ``CONTENT_FETCH_METADATA`` is on) the page's own title later, from a background fetch."""
    now = timezone.now()
    bookmark = Bookmark(owner_id=owner.pk, url=url, created_at=now, updated_at=now)
    _set_fields(bookmark, fields, BOOKMARK_FIELDS)
    bookmark.title = bookmark.title.strip()
    needs_title = not bookmark.title
    if needs_title:
        bookmark.title = metadata.title_from_url(url)
    _sync_read_at(bookmark, now)
    _save_item(bookmark, "bookmark", owner.pk, tags or None)
    if needs_title and settings.CONTENT_FETCH_METADATA:
        transaction.on_commit(lambda: metadata.schedule(enrich_bookmark, bookmark.pk))
    return bookmark


def update_bookmark(bookmark: Bookmark, *, tags: Iterable[str] | None = None, **fields: Any) -> Bookmark:
    now = timezone.now()
    _set_fields(bookmark, fields, BOOKMARK_FIELDS)
    bookmark.title = bookmark.title.strip() or metadata.title_from_url(bookmark.url)
    _sync_read_at(bookmark, now)
    bookmark.updated_at = now
    _save_item(bookmark, "bookmark", bookmark.owner_id, tags)
    return bookmark


def set_bookmark_flags(
    bookmark: Bookmark, *, is_read: bool | None = None, is_favorite: bool | None = None
) -> Bookmark:
    """The inline read/favourite switches."""
    now = timezone.now()
    if is_read is not None:
        bookmark.is_read = is_read
        _sync_read_at(bookmark, now)
    if is_favorite is not None:
        bookmark.is_favorite = is_favorite
    bookmark.updated_at = now
    with transaction.atomic():
        bookmark.save(update_fields=["is_read", "read_at", "is_favorite", "updated_at"])
        _changed(bookmark.owner_id, Change("bookmark", (bookmark.pk,), UPDATED))
    return bookmark


def enrich_bookmark(bookmark_id: int, fetcher: metadata.Fetcher | None = None) -> bool:
    """Fill a bookmark's title (if still the one derived from its URL), description and favicon
    (if empty) from the page itself. True if anything changed."""
    bookmark = Bookmark.objects.filter(pk=bookmark_id).first()
    if bookmark is None:
        return False
    page = (fetcher or metadata.fetch_metadata)(bookmark.url)
    if page is None:
        return False
    changes: dict[str, Any] = {}
    derived_title = metadata.title_from_url(bookmark.url)
    if page.title and bookmark.title == derived_title:
        changes["title"] = page.title
    if page.description and not bookmark.description:
        changes["description"] = page.description
    if page.favicon_url and not bookmark.favicon_url:
        changes["favicon_url"] = page.favicon_url
    if not changes:
        return False
    with transaction.atomic():
        # Conditional: an edit made while the page was being fetched wins over the fetch.
        updated = Bookmark.objects.filter(
            pk=bookmark.pk,
            title=bookmark.title,
            description=bookmark.description,
            favicon_url=bookmark.favicon_url,
        ).update(updated_at=timezone.now(), **changes)
        if updated:
            _changed(bookmark.owner_id, Change("bookmark", (bookmark.pk,), UPDATED))
    return bool(updated)


# --- tasks ----------------------------------------------------------------------------------

TASK_FIELDS = (
    "title", "description", "status", "priority", "due_date", "progress", "parent", "project",
    "recurrence", "remind_at",
)  # fmt: skip


def _check_parent(item: Task | Note, owner_id: int) -> None:
    parent = item.parent
    if parent is None:
        return
    if parent.owner_id != owner_id:
        raise ValueError("the parent belongs to someone else")
    if would_cycle(type(item), item.pk, parent.pk):
        raise ValueError("an item cannot be nested inside itself")


# What a status change may touch (a repeating task's dates move when it is completed).
STATUS_FIELDS = ("status", "completed_at", "due_date", "remind_at", "reminded_at")


def _check_project(task: Task, owner_id: int) -> None:
    if task.project is not None and task.project.owner_id != owner_id:
        raise ValueError("the project belongs to someone else")


def _sync_completion(task: Task, now: dt.datetime) -> None:
    """``completed_at`` follows the status; ``progress`` stays the user's (``Task.percent_done``).
    A repeating task is not closed: it moves to its next due date (``content.recurrence``)."""
    if task.status == Task.Status.COMPLETED and task.recurrence:
        today = timezone.localdate(now)
        due = next_due(task.recurrence, task.due_date, today)
        if task.remind_at is not None:
            task.remind_at += dt.timedelta(days=(due - (task.due_date or today)).days)
            task.reminded_at = None
        task.due_date, task.status = due, Task.Status.PENDING
    if task.status == Task.Status.COMPLETED:
        task.completed_at = task.completed_at or now
    else:
        task.completed_at = None


def create_task(owner: Any, *, title: str, tags: Iterable[str] = (), **fields: Any) -> Task:
    now = timezone.now()
    task = Task(owner_id=owner.pk, title=title.strip(), created_at=now, updated_at=now)
    _set_fields(task, fields, TASK_FIELDS)
    _check_parent(task, owner.pk)
    _check_project(task, owner.pk)
    _sync_completion(task, now)
    _save_item(task, "task", owner.pk, tags or None)
    return task


def update_task(task: Task, *, tags: Iterable[str] | None = None, **fields: Any) -> Task:
    now = timezone.now()
    reminder = task.remind_at
    _set_fields(task, fields, TASK_FIELDS)
    if task.remind_at != reminder:
        task.reminded_at = None  # a new reminder time is a new reminder
    task.title = task.title.strip()
    _check_parent(task, task.owner_id)
    _check_project(task, task.owner_id)
    _sync_completion(task, now)
    task.updated_at = now
    _save_item(task, "task", task.owner_id, tags)
    return task


def set_task_status(task: Task, status: str) -> Task:
    """The inline "done" switch (completed <-> pending) and other quick status changes."""
    now = timezone.now()
    task.status = Task.Status(status)
    _sync_completion(task, now)
    task.updated_at = now
    with transaction.atomic():
        task.save(update_fields=[*STATUS_FIELDS, "updated_at"])
        _changed(task.owner_id, Change("task", (task.pk,), UPDATED))
    return task


def move_task(task: Task, *, status: str, position: int) -> Task:
    """Put the task into the board column ``status`` at ``position`` (0 = top; clamped), the
    column renumbered in one bulk update. Completing it this way is completing it."""
    now = timezone.now()
    with transaction.atomic():
        column = list(
            Task.objects.select_for_update()
            .filter(owner_id=task.owner_id, project_id=task.project_id, status=status)
            .exclude(pk=task.pk)
            .order_by("position", "-created_at", "pk")
        )
        column.insert(max(0, min(position, len(column))), task)
        moved = [item for index, item in enumerate(column) if item.position != index or item is task]
        for index, item in enumerate(column):
            item.position = index
        Task.objects.bulk_update([item for item in moved if item is not task], ["position"])
        task.status = Task.Status(status)
        _sync_completion(task, now)
        task.updated_at = now
        task.save(update_fields=[*STATUS_FIELDS, "position", "updated_at"])
        _changed(task.owner_id, Change("task", (task.pk,), UPDATED))
    return task


# --- projects -------------------------------------------------------------------------------


class ProjectNameTaken(ValueError):
    """The owner has a project of that name already (case-insensitively)."""


def _project_name(owner_id: int, name: str, exclude_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValueError("a project needs a name")
    clash = Project.objects.filter(owner_id=owner_id, name__iexact=name)
    if (clash.exclude(pk=exclude_id) if exclude_id else clash).exists():
        raise ProjectNameTaken(name)
    return name


def create_project(owner: Any, *, name: str, description: str = "") -> Project:
    now = timezone.now()
    with transaction.atomic():
        project = Project.objects.create(
            owner_id=owner.pk, name=_project_name(owner.pk, name), description=description,
            created_at=now, updated_at=now,
        )  # fmt: skip
        _changed(owner.pk, Change("project", (project.pk,), CREATED))
    return project


def project_named(owner: Any, name: str) -> Project:
    """The owner's project called ``name`` (any case), created if there is none (quick add)."""
    found = Project.objects.filter(owner_id=owner.pk, name__iexact=" ".join(name.split())).first()
    return found or create_project(owner, name=name)


def update_project(project: Project, *, name: str, description: str) -> Project:
    project.name = _project_name(project.owner_id, name, exclude_id=project.pk)
    project.description, project.updated_at = description, timezone.now()
    with transaction.atomic():
        project.save(update_fields=["name", "description", "updated_at"])
        _changed(project.owner_id, Change("project", (project.pk,), UPDATED))
    return project


# --- notes ----------------------------------------------------------------------------------

NOTE_FIELDS = ("title", "content", "is_pinned", "parent")


def create_note(owner: Any, *, title: str, tags: Iterable[str] = (), **fields: Any) -> Note:
    now = timezone.now()
    note = Note(owner_id=owner.pk, title=title.strip(), created_at=now, updated_at=now)
    _set_fields(note, fields, NOTE_FIELDS)
    _check_parent(note, owner.pk)
    note.render()
    _save_item(note, "note", owner.pk, tags or None)
    return note


def update_note(note: Note, *, tags: Iterable[str] | None = None, **fields: Any) -> Note:
    _set_fields(note, fields, NOTE_FIELDS)
    note.title = note.title.strip()
    _check_parent(note, note.owner_id)
    note.render()
    note.updated_at = timezone.now()
    _save_item(note, "note", note.owner_id, tags)
    return note


class NoSuchTask(ValueError):
    """The note has no task item with that number."""


def set_note_task(note: Note, index: int, done: bool) -> Note:
    """Tick (or untick) task item ``index`` of the note's Markdown: the source line changes, so
    editing the note shows it too. Nothing is written when it already was so."""
    text = set_task(note.content, index, done)
    if text is None:
        raise NoSuchTask(index)
    if text != note.content:
        update_note(note, content=text)
    return note


def set_note_pinned(note: Note, pinned: bool) -> Note:
    note.is_pinned = pinned
    note.updated_at = timezone.now()
    with transaction.atomic():
        note.save(update_fields=["is_pinned", "updated_at"])
        _changed(note.owner_id, Change("note", (note.pk,), UPDATED))
    return note


# --- files and share links ------------------------------------------------------------------


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


def _delete_blobs_after_commit(paths: Iterable[str]) -> None:
    paths = [path for path in paths if path]

    def delete() -> None:
        for path in paths:
            try:
                default_storage.delete(path)
            except OSError:
                logger.warning("could not delete file blob %s", path)

    if paths:
        transaction.on_commit(delete)


def _store_blob(upload: UploadedFile) -> str:
    return default_storage.save(upload_path(None, ""), upload)


def create_file(
    owner: Any, *, upload: UploadedFile, name: str = "", description: str = "", tags: Iterable[str] = ()
) -> StoredFile:
    """Store an upload: size and type are checked (UploadRejected) before any byte is written."""
    display_name = clean_file_name(name or upload.name or "")
    content_type = check_upload(upload, display_name)
    size, sha256 = upload.size, _digest(upload)
    path = _store_blob(upload)
    now = timezone.now()
    try:
        with transaction.atomic():
            stored = StoredFile.objects.create(
                owner_id=owner.pk,
                name=display_name,
                description=description,
                blob=path,
                size=size,
                content_type=content_type,
                sha256=sha256,
                created_at=now,
                updated_at=now,
            )
            if tags:
                stored.tags.set(resolve_tags(owner.pk, tags))
            _changed(owner.pk, Change("file", (stored.pk,), CREATED))
    except Exception:
        default_storage.delete(path)
        raise
    return stored


def update_file(
    stored: StoredFile, *, name: str, description: str, tags: Iterable[str] | None = None
) -> StoredFile:
    display_name = clean_file_name(name)
    try:
        check_claim(display_name, stored.content_type)
    except TypeMismatch as error:
        raise UploadRejected(str(error)) from error
    stored.name, stored.description = display_name, description
    stored.updated_at = timezone.now()
    with transaction.atomic():
        stored.save(update_fields=["name", "description", "updated_at"])
        if tags is not None:
            stored.tags.set(resolve_tags(stored.owner_id, tags))
        _changed(stored.owner_id, Change("file", (stored.pk,), UPDATED))
    return stored


def create_share_link(stored: StoredFile, *, expires_at: dt.datetime | None = None) -> ShareLink:
    with transaction.atomic():
        link = ShareLink.objects.create(file=stored, token=secrets.token_urlsafe(32), expires_at=expires_at)
        _changed(stored.owner_id, Change("share_link", (link.pk,), CREATED))
    return link


def revoke_share_link(link: ShareLink) -> ShareLink:
    if link.revoked_at is not None:
        return link
    with transaction.atomic():
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        _changed(link.file.owner_id, Change("share_link", (link.pk,), UPDATED))
    return link


def count_share_download(link: ShareLink) -> None:
    """A public download happened (a counter, not a content change: no event)."""
    ShareLink.objects.filter(pk=link.pk).update(download_count=F("download_count") + 1)


# --- collections -------------------------------------------------------------------------------
# A collection changes no item's indexed data (title, tags, flags), so these send no content_changed;
# the bookmark list's "Move to collection" choices are cached with the list page, so the writes that
# change the owner's collections (or their counts) bump the ``lists`` family after commit.


def _collections_changed(owner_id: int) -> None:
    transaction.on_commit(lambda: LISTS.invalidate(owner_id))


class CollectionRejected(ValueError):
    """A collection write that cannot be done; the message is for the user."""


def create_collection(owner_id: int, name: str, description: str = "") -> Collection:
    if Collection.objects.filter(owner_id=owner_id, name__iexact=name).exists():
        raise CollectionRejected(f"You already have a collection named “{name}”.")
    collection = Collection.objects.create(owner_id=owner_id, name=name, description=description)
    _collections_changed(owner_id)
    return collection


def move_to_collection(owner_id: int, collection: Collection, ids: Iterable[int]) -> int:
    """Put the owner's bookmarks among ``ids`` in ``collection`` (out of any other one)."""
    if collection.owner_id != owner_id:
        raise CollectionRejected("That is not your collection.")
    with transaction.atomic():
        found = _owned_ids(owner_id, "bookmark", ids)
        CollectionItem.objects.filter(bookmark_id__in=found).exclude(collection=collection).delete()
        CollectionItem.objects.bulk_create(
            [CollectionItem(collection=collection, bookmark_id=pk) for pk in found],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        _collections_changed(owner_id)
    return len(found)


def remove_from_collection(collection: Collection, bookmark_ids: Iterable[int]) -> int:
    deleted, _ = CollectionItem.objects.filter(
        collection=collection, bookmark_id__in=list(bookmark_ids)
    ).delete()
    _collections_changed(collection.owner_id)
    return deleted


def share_collection(collection: Collection, user: Any) -> None:
    """Let another user read the collection (they see it under "Shared with me")."""
    if user.pk == collection.owner_id:
        raise CollectionRejected("You own this collection already.")
    collection.shared_with.add(user)


def unshare_collection(collection: Collection, user_id: int) -> None:
    collection.shared_with.remove(user_id)


def create_collection_link(
    collection: Collection, *, expires_at: dt.datetime | None = None
) -> CollectionLink:
    return CollectionLink.objects.create(
        collection=collection, token=secrets.token_urlsafe(32), expires_at=expires_at
    )


def revoke_collection_link(link: CollectionLink) -> CollectionLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def delete_collection(collection: Collection) -> None:
    """The collection, its links and shares go; its bookmarks stay."""
    collection.delete()
    _collections_changed(collection.owner_id)


# --- several items at once (list pages' bulk bar) ----------------------------------------------


def _owned_ids(owner_id: int, kind: str, ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(
        MODELS[kind].objects.filter(owner_id=owner_id, pk__in=list(ids)).values_list("pk", flat=True)
    )


def tag_items(owner_id: int, kind: str, ids: Iterable[int], names: Iterable[str]) -> int:
    """Give the owner's items of ``kind`` among ``ids`` the tags ``names`` (created if new). One
    event and one invalidation; returns how many items were tagged."""
    model = MODELS[kind]
    with transaction.atomic():
        found = _owned_ids(owner_id, kind, ids)
        tags = resolve_tags(owner_id, names)
        if not found or not tags:
            return 0
        through = model.tags.through  # type: ignore[attr-defined]
        column = f"{model._meta.model_name}_id"
        rows = [through(**{column: item_id, "tag_id": tag.pk}) for item_id in found for tag in tags]
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
        model.objects.filter(pk__in=found).update(updated_at=timezone.now())
        _changed(owner_id, Change(kind, found, UPDATED))
    return len(found)


def untag_items(owner_id: int, kind: str, ids: Iterable[int], names: Iterable[str]) -> int:
    """Take the tags ``names`` off the owner's items of ``kind`` among ``ids`` (the tags stay)."""
    model = MODELS[kind]
    lowered = [name.lower() for name in tagnames.unique(names)]
    with transaction.atomic():
        found = _owned_ids(owner_id, kind, ids)
        tag_ids = list(
            Tag.objects.annotate(lname=Lower("name"))
            .filter(owner_id=owner_id, lname__in=lowered)
            .values_list("pk", flat=True)
        )
        if not found or not tag_ids:
            return 0
        through = model.tags.through  # type: ignore[attr-defined]
        column = f"{model._meta.model_name}_id"
        links = through.objects.filter(**{f"{column}__in": found, "tag_id__in": tag_ids})
        touched = tuple(set(links.values_list(column, flat=True)))
        links.delete()
        model.objects.filter(pk__in=touched).update(updated_at=timezone.now())
        _changed(owner_id, Change(kind, touched, UPDATED))
    return len(touched)


def set_bookmarks_flags(
    owner_id: int, ids: Iterable[int], *, is_read: bool | None = None, is_favorite: bool | None = None
) -> int:
    """Mark several bookmarks read/unread and/or favourite/not: one event, one invalidation."""
    now = timezone.now()
    with transaction.atomic():
        found = _owned_ids(owner_id, "bookmark", ids)
        rows = Bookmark.objects.filter(pk__in=found)
        if is_read:
            rows.filter(read_at__isnull=True).update(read_at=now)
            rows.update(is_read=True)
        elif is_read is not None:
            rows.update(is_read=False, read_at=None)
        if is_favorite is not None:
            rows.update(is_favorite=is_favorite)
        rows.update(updated_at=now)
        _changed(owner_id, Change("bookmark", found, UPDATED))
    return len(found)


# --- deletes ----------------------------------------------------------------------------------


def delete_items(owner_id: int, kind: str, ids: Iterable[int]) -> int:
    """Delete the owner's items of ``kind`` among ``ids`` (others' ids are ignored). One event and
    one invalidation however many rows; file blobs are removed once the delete has committed."""
    model = MODELS[kind]
    with transaction.atomic():
        queryset = model.objects.filter(owner_id=owner_id, pk__in=list(ids))
        found = tuple(queryset.values_list("pk", flat=True))
        if not found:
            return 0
        if kind == "file":
            _delete_blobs_after_commit(StoredFile.objects.filter(pk__in=found).values_list("blob", flat=True))
        model.objects.filter(pk__in=found).delete()
        _changed(owner_id, Change(kind, found, DELETED))
    return len(found)


# --- admin ----------------------------------------------------------------------------------


def refresh_derived(item: Model) -> None:
    """Before the admin saves ``item`` directly: stamp it and recompute what other fields imply."""
    now = timezone.now()
    if hasattr(item, "updated_at"):
        item.updated_at = now
    if isinstance(item, Bookmark):
        item.title = item.title.strip() or metadata.title_from_url(item.url)
        _sync_read_at(item, now)
    elif isinstance(item, Task):
        _sync_completion(item, now)
    elif isinstance(item, Note):
        item.render()


def announce_admin_change(item: Model, kind: str, created: bool) -> None:
    """After the admin saved ``item`` (and its tags): the usual invalidation and event."""
    _changed(item.owner_id, Change(kind, (item.pk,), CREATED if created else UPDATED))  # type: ignore[attr-defined]


# --- imports --------------------------------------------------------------------------------


def _link_tags(model: type[Model], names_by_item: dict[int, list[str]], owner_id: int) -> None:
    """Attach tags to freshly created items in bulk (one tag lookup, batched link inserts)."""
    all_names = [name for names in names_by_item.values() for name in names]
    tags = {tag.name.lower(): tag for tag in resolve_tags(owner_id, all_names)}
    through = model.tags.through  # type: ignore[attr-defined]
    item_column = f"{model._meta.model_name}_id"
    rows = []
    for item_id, names in names_by_item.items():
        for name in tagnames.unique(names):
            tag = tags.get(name.lower())
            if tag is not None:
                rows.append(through(**{item_column: item_id, "tag_id": tag.pk}))
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)


def import_bookmarks(owner: Any, entries: Sequence[BookmarkEntry], result: ImportResult) -> ImportResult:
    """Add parsed browser bookmarks, skipping addresses the owner already has (or that repeat in
    the file), compared by their key (``content.urlkeys``)."""
    keys = {url_hash(entry.url) for entry in entries}
    owned = Bookmark.objects.filter(owner_id=owner.pk, url_hash__in=keys)
    known = set(owned.values_list("url_hash", flat=True))
    now = timezone.now()
    new: list[Bookmark] = []
    tag_names: list[list[str]] = []
    for entry in entries:
        key = url_hash(entry.url)
        if key in known:
            result.duplicate("bookmark")
            continue
        known.add(key)
        created = entry.created_at or now
        new.append(
            Bookmark(
                owner_id=owner.pk,
                url=entry.url,
                title=entry.title,
                description=entry.description,
                favicon_url=entry.icon_url,
                folder=entry.folder,
                folder_root=entry.folder_root,
                icon=entry.icon,
                is_read=entry.is_read,
                read_at=(entry.updated_at or created) if entry.is_read else None,
                is_favorite=entry.is_favorite,
                created_at=created,
                updated_at=entry.updated_at or created,
            )
        )
        tag_names.append(entry.tags)
    with transaction.atomic():
        created_rows = Bookmark.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _link_tags(
            Bookmark, {b.pk: names for b, names in zip(created_rows, tag_names, strict=True)}, owner.pk
        )
        result.add("bookmark", len(created_rows))
        _changed(owner.pk, Change("bookmark", tuple(b.pk for b in created_rows), CREATED))
    return result


def announce_imported(owner: Any, bookmarks: Sequence[BookmarkEntry], notes: Sequence[NoteEntry]) -> None:
    """Announce again the owner's items these entries added (a resumed import: the last chunk before
    the interruption committed, but the worker may have died before its event reached search)."""
    bookmark_ids = Bookmark.objects.filter(
        owner_id=owner.pk, url_hash__in={url_hash(entry.url) for entry in bookmarks}
    ).values_list("pk", flat=True)
    note_ids = Note.objects.filter(owner_id=owner.pk, title__in={entry.title for entry in notes}).values_list(
        "pk", flat=True
    )
    _changed(
        owner.pk, Change("bookmark", tuple(bookmark_ids), UPDATED), Change("note", tuple(note_ids), UPDATED)
    )


def import_notes(owner: Any, entries: Sequence[NoteEntry], result: ImportResult) -> ImportResult:
    """Add imported text items as notes, skipping any the owner already has with the same title and
    content (so importing a file twice adds nothing)."""
    titles = {entry.title for entry in entries}
    known = set(Note.objects.filter(owner_id=owner.pk, title__in=titles).values_list("title", "content"))
    now = timezone.now()
    new: list[Note] = []
    tag_names: list[list[str]] = []
    for entry in entries:
        if (entry.title, entry.content) in known:
            result.duplicate("note")
            continue
        known.add((entry.title, entry.content))
        created = entry.created_at or now
        note = Note(
            owner_id=owner.pk,
            title=entry.title,
            content=entry.content,
            created_at=created,
            updated_at=created,
        )
        note.render()
        new.append(note)
        tag_names.append(entry.tags)
    with transaction.atomic():
        created_rows = Note.objects.bulk_create(new, batch_size=BATCH_SIZE)
        _link_tags(Note, {n.pk: names for n, names in zip(created_rows, tag_names, strict=True)}, owner.pk)
        result.add("note", len(created_rows))
        _changed(owner.pk, Change("note", tuple(n.pk for n in created_rows), CREATED))
    return result


def import_items(
    owner: Any, bookmarks: Sequence[BookmarkEntry], notes: Sequence[NoteEntry], result: ImportResult
) -> ImportResult:
    """Bookmarks and notes read from another app's export, in one transaction."""
    with transaction.atomic():
        import_bookmarks(owner, bookmarks, result)
        if notes:
            import_notes(owner, notes, result)
    return result


def import_archive(owner: Any, archive: Archive, result: ImportResult) -> ImportResult:
    """Restore a Trackeep archive into ``owner``'s account. Items already there (same uid; for
    bookmarks also the same URL; for tags the same name) are skipped, so importing one archive twice
    adds nothing. File bytes written before a failure are removed again."""
    stored_paths: list[str] = []
    try:
        with transaction.atomic():
            created = {
                "tag": _restore_tags(owner.pk, archive.tags, result),
                "bookmark": _restore_bookmarks(owner.pk, archive.bookmarks, result),
            }
            created["project"], project_pks = _restore_projects(owner.pk, archive.projects, result)
            created |= {
                "task": _restore_tree(Task, "task", owner.pk, archive.tasks, result, project_pks),
                "note": _restore_tree(Note, "note", owner.pk, archive.notes, result),
            }
            created["file"], created["share_link"] = _restore_files(owner.pk, archive, result, stored_paths)
            _changed(owner.pk, *(Change(kind, tuple(ids), CREATED) for kind, ids in created.items()))
    except Exception:
        for path in stored_paths:
            default_storage.delete(path)
        raise
    return result


_NOT_MODEL_FIELDS = ("tags", "parent", "share_links")


def _restore_tags(owner_id: int, rows: list[dict[str, Any]], result: ImportResult) -> list[int]:
    known = {name.lower() for name in Tag.objects.filter(owner_id=owner_id).values_list("name", flat=True)}
    new = []
    for row in rows:
        if row["name"].lower() in known:
            result.duplicate("tag")
            continue
        known.add(row["name"].lower())
        new.append(Tag(owner_id=owner_id, **row))
    created = Tag.objects.bulk_create(new, batch_size=BATCH_SIZE)
    result.add("tag", len(created))
    return [tag.pk for tag in created]


def _restore_rows(
    model: type[Any],
    kind: str,
    owner_id: int,
    rows: list[dict[str, Any]],
    result: ImportResult,
    build: Callable[[dict[str, Any]], Any] | None = None,
    is_duplicate: Callable[[dict[str, Any]], bool] = lambda row: False,
) -> list[tuple[Any, dict[str, Any]]]:
    """Bulk-create the rows whose uid the owner does not have yet; returns (item, row) pairs."""
    known = set(model.objects.filter(owner_id=owner_id).values_list("uid", flat=True))
    pending: list[tuple[Any, dict[str, Any]]] = []
    for row in rows:
        if row["uid"] in known or is_duplicate(row):
            result.duplicate(kind)
            continue
        known.add(row["uid"])
        fields = {name: value for name, value in row.items() if name not in _NOT_MODEL_FIELDS}
        item = build(fields) if build else model(owner_id=owner_id, **fields)
        pending.append((item, row))
    created = model.objects.bulk_create([item for item, _ in pending], batch_size=BATCH_SIZE)
    pairs = list(zip(created, (row for _, row in pending), strict=True))
    _link_tags(model, {item.pk: row["tags"] for item, row in pairs}, owner_id)
    result.add(kind, len(pairs))
    return pairs


def _restore_bookmarks(owner_id: int, rows: list[dict[str, Any]], result: ImportResult) -> list[int]:
    keys = set(Bookmark.objects.filter(owner_id=owner_id).values_list("url_hash", flat=True))

    def seen(row: dict[str, Any]) -> bool:
        key = url_hash(row["url"])
        if key in keys:
            return True
        keys.add(key)
        return False

    pairs = _restore_rows(Bookmark, "bookmark", owner_id, rows, result, is_duplicate=seen)
    return [item.pk for item, _ in pairs]


def _restore_projects(
    owner_id: int, rows: list[dict[str, Any]], result: ImportResult
) -> tuple[list[int], dict[Any, int]]:
    """New projects (skipping those whose uid or name the owner has), and every archive project
    uid mapped to the project its tasks go to (an existing one of the same name included)."""
    existing = Project.objects.filter(owner_id=owner_id)
    by_uid = dict(existing.values_list("uid", "pk"))
    by_name = {name.lower(): pk for name, pk in existing.values_list("name", "pk")}
    new, pks = [], {}
    for row in rows:
        known = by_uid.get(row["uid"]) or by_name.get(row["name"].lower())
        if known:
            result.duplicate("project")
            pks[row["uid"]] = known
            continue
        project = Project(owner_id=owner_id, **{k: v for k, v in row.items() if k not in _NOT_MODEL_FIELDS})
        new.append(project)
        by_name[row["name"].lower()] = -1  # a repeat in the archive is a duplicate too
    created = Project.objects.bulk_create(new, batch_size=BATCH_SIZE)
    pks |= {project.uid: project.pk for project in created}
    if created:
        result.add("project", len(created))
    return [project.pk for project in created], pks


def _restore_tree(
    model: type[Task] | type[Note],
    kind: str,
    owner_id: int,
    rows: list[dict[str, Any]],
    result: ImportResult,
    project_pks: dict[Any, int] | None = None,
) -> list[int]:
    """Restore tasks or notes (tasks in their project, by uid), then point each new one at its
    parent (by uid), refusing loops."""

    def build(fields: dict[str, Any]) -> Any:
        project_uid = fields.pop("project", None)
        item = model(owner_id=owner_id, **fields)
        if isinstance(item, Task) and project_pks:
            item.project_id = project_pks.get(project_uid)
        if isinstance(item, Note):
            item.render()
        return item

    pairs = _restore_rows(model, kind, owner_id, rows, result, build=build)
    if not any(row["parent"] for _, row in pairs):
        return [item.pk for item, _ in pairs]
    pk_by_uid = dict(model.objects.filter(owner_id=owner_id).values_list("uid", "pk"))
    parent_of = dict(model.objects.filter(owner_id=owner_id).values_list("pk", "parent_id"))
    changed = []
    for item, row in pairs:
        parent_pk = pk_by_uid.get(row["parent"])
        if parent_pk is None or _reaches(parent_of, parent_pk, item.pk):
            continue
        item.parent_id = parent_of[item.pk] = parent_pk
        changed.append(item)
    model.objects.bulk_update(changed, ["parent"], batch_size=BATCH_SIZE)
    return [item.pk for item, _ in pairs]


def _reaches(parent_of: dict[int, int | None], start: int | None, target: int) -> bool:
    """Does following parents from ``start`` reach ``target`` (or loop)?"""
    seen: set[int] = set()
    while start is not None and start not in seen:
        if start == target:
            return True
        seen.add(start)
        start = parent_of.get(start)
    return start is not None


def _restore_files(
    owner_id: int, archive: Archive, result: ImportResult, stored_paths: list[str]
) -> tuple[list[int], list[int]]:
    def build(fields: dict[str, Any]) -> StoredFile | None:
        label = f"file “{fields['name'][:80]}”"
        data = archive.read_blob(str(fields["uid"]))
        if data is None:
            result.reject(
                "file", f"{label}: its bytes are missing from the archive or over the upload limit."
            )
            return None
        if len(data) != fields["size"] or hashlib.sha256(data).hexdigest() != fields["sha256"]:
            result.reject("file", f"{label}: its bytes do not match its size and checksum.")
            return None
        fields["name"] = clean_file_name(fields["name"])
        fields["content_type"] = sniff(data[:SNIFF_BYTES])
        try:
            check_claim(fields["name"], fields["content_type"])
        except TypeMismatch as error:
            result.reject("file", f"{label}: {error}")
            return None
        path = default_storage.save(upload_path(None, ""), ContentFile(data))
        stored_paths.append(path)
        return StoredFile(owner_id=owner_id, blob=path, **fields)

    known = set(StoredFile.objects.filter(owner_id=owner_id).values_list("uid", flat=True))
    pending = []
    for row in archive.files:
        if row["uid"] in known:
            result.duplicate("file")
            continue
        known.add(row["uid"])
        item = build({name: value for name, value in row.items() if name not in _NOT_MODEL_FIELDS})
        if item is not None:
            pending.append((item, row))
    created = StoredFile.objects.bulk_create([item for item, _ in pending], batch_size=BATCH_SIZE)
    pairs = list(zip(created, (row for _, row in pending), strict=True))
    _link_tags(StoredFile, {item.pk: row["tags"] for item, row in pairs}, owner_id)
    result.add("file", len(pairs))

    tokens = [link["token"] for _, row in pairs for link in row["share_links"]]
    taken = set(ShareLink.objects.filter(token__in=tokens).values_list("token", flat=True))
    links = []
    for item, row in pairs:
        for link in row["share_links"]:
            if link["token"] in taken:
                result.duplicate("share_link")
                continue
            taken.add(link["token"])
            links.append(ShareLink(file=item, **link))
    created_links = ShareLink.objects.bulk_create(links, batch_size=BATCH_SIZE)
    result.add("share_link", len(created_links))
    return [item.pk for item, _ in pairs], [link.pk for link in created_links]
