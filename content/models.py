"""Content models: bookmarks, tasks, notes, stored files, their share links, and per-user tags.

Every item has an ``owner``, a ``uid`` (a stable identity that survives export and re-import, so a
round trip never duplicates), and ``created_at``/``updated_at``. The timestamps are plain defaults
rather than ``auto_now``: imports must be able to keep the original dates, and every update goes
through ``content.services``, which stamps ``updated_at``.

Tags are one table per user, linked to each item type by its own many-to-many table: listing one
type with its tags is one extra query, and a tag page is one query per type.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from content.rendering import plain_text, render_markdown
from content.uploads import upload_path
from content.urlkeys import url_hash

TAG_COLOR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #3b82f6.")
TAG_NAME_MAX = 100
TITLE_MAX = 300
URL_MAX = 2000
SUMMARY_MAX = 240
PROJECT_NAME_MAX = 100


class Tag(models.Model):
    """A user's label, shared by their bookmarks, tasks, notes and files. Names are unique per user
    regardless of case; a slash in a name marks a path (imported browser folders: ``Dev/Python``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_tags")
    name = models.CharField(max_length=TAG_NAME_MAX)
    color = models.CharField(max_length=7, default="#64748b", validators=[TAG_COLOR_VALIDATOR])
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        # Leads with the owner, so it also serves "this user's tags" lookups.
        constraints: ClassVar = [
            models.UniqueConstraint(F("owner"), Lower("name"), name="content_tag_owner_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class OwnedItem(models.Model):
    """Fields every content item has."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(app_label)s_%(class)ss"
    )
    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["owner", "uid"], name="%(app_label)s_%(class)s_owner_uid"),
        ]


class BookmarkQuerySet(models.QuerySet["Bookmark"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Bookmark]:
        """Bulk inserts skip ``save()``: fill each row's ``url_hash`` here instead."""
        objs = list(objs)
        for bookmark in objs:
            bookmark.url_hash = url_hash(bookmark.url)
        return super().bulk_create(objs, *args, **kwargs)


class Bookmark(OwnedItem):
    class FolderRoot(models.TextChoices):
        """The browser's own container a bookmark file put the bookmark's folders in."""

        NONE = "", "None"
        TOOLBAR = "toolbar", "Bookmarks bar"
        UNFILED = "unfiled", "Other bookmarks"

    title = models.CharField(max_length=TITLE_MAX)
    url = models.URLField("URL", max_length=URL_MAX)
    description = models.TextField(blank=True)
    favicon_url = models.URLField("favicon URL", max_length=URL_MAX, blank=True)
    is_read = models.BooleanField("read", default=False)
    is_favorite = models.BooleanField("favourite", default=False)
    read_at = models.DateTimeField(null=True, blank=True, editable=False)
    # SHA-256 of the address's comparison key (content.urlkeys), kept by save(); bulk inserts set it.
    url_hash = models.CharField(max_length=64, editable=False, default="")
    tags = models.ManyToManyField(Tag, related_name="bookmarks", blank=True)
    # Where an imported bookmark sat in the browser (folder names from the top, [] for the top
    # itself; the first one is the browser's own container when ``folder_root`` is set; None for
    # bookmarks made here) and the icon the browser stored for it (a data: image): the HTML export
    # puts both back, whatever tags the bookmark has since.
    folder = models.JSONField(null=True, blank=True, default=None, editable=False)
    folder_root = models.CharField(max_length=8, blank=True, choices=FolderRoot.choices, editable=False)
    icon = models.TextField(blank=True, editable=False)

    objects = BookmarkQuerySet.as_manager()

    class Meta(OwnedItem.Meta):
        indexes: ClassVar = [
            # One index per list sort and filter (content.selectors.BOOKMARK_SORTS), each ending in
            # the id tie-break, so a page is an index range scan with no sort step.
            models.Index(fields=["owner", "-created_at", "-id"], name="content_bm_owner_created_id"),
            models.Index(fields=["owner", "-updated_at", "-id"], name="content_bm_owner_updated_id"),
            models.Index(F("owner"), Lower("title"), F("id"), name="content_bm_owner_title"),
            models.Index(fields=["owner", "is_read", "-created_at", "-id"], name="content_bm_owner_read"),
            models.Index(
                fields=["owner", "-created_at", "-id"],
                condition=Q(is_favorite=True),
                name="content_bm_owner_fav",
            ),
            models.Index(fields=["owner", "url_hash"], name="content_bm_owner_url_hash"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.url_hash = url_hash(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "url_hash"}
        super().save(*args, **kwargs)

    @property
    def domain(self) -> str:
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def icon_src(self) -> str:
        """The image pages show beside the title: the page's favicon, else the imported icon."""
        return self.favicon_url or self.icon


class Project(OwnedItem):
    """A named set of tasks with its own board (a column per status)."""

    name = models.CharField(max_length=PROJECT_NAME_MAX)
    description = models.TextField(blank=True)

    class Meta(OwnedItem.Meta):
        constraints: ClassVar = [
            *OwnedItem.Meta.constraints,
            models.UniqueConstraint(F("owner"), Lower("name"), name="content_project_owner_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Task(OwnedItem):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Recurrence(models.TextChoices):
        NONE = "", "Does not repeat"
        DAILY = "daily", "Every day"
        WEEKDAYS = "weekdays", "Every weekday"
        WEEKLY = "weekly", "Every week"
        MONTHLY = "monthly", "Every month"
        YEARLY = "yearly", "Every year"

    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The user's own estimate; completing a task does not overwrite it (``percent_done`` shows 100),
    # so reopening a task gives back the progress it had.
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Percent done, 0 to 100."
    )
    # Deleting a task keeps its subtasks (they become top-level): nothing disappears unasked.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subtasks"
    )
    tags = models.ManyToManyField(Tag, related_name="tasks", blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    # Order within its board column (smaller first); moves renumber the column.
    position = models.PositiveIntegerField(default=0, editable=False)
    # Completing a repeating task moves it to its next due date instead of closing it.
    recurrence = models.CharField("repeats", max_length=8, blank=True, choices=Recurrence.choices)
    # A notification is sent at ``remind_at`` (``reminded_at`` records that it went out).
    remind_at = models.DateTimeField("remind me", null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(OwnedItem.Meta):
        indexes: ClassVar = [
            # The list sorts and filters (content.selectors.TASK_SORTS), with the id tie-break.
            models.Index(fields=["owner", "-created_at", "-id"], name="content_task_owner_created_id"),
            models.Index(fields=["remind_at"], name="content_task_remind_at"),
            models.Index(fields=["owner", "-updated_at", "-id"], name="content_task_owner_updated_id"),
            models.Index(F("owner"), Lower("title"), F("id"), name="content_task_owner_title"),
            models.Index(
                fields=["owner", "status", "-created_at", "-id"], name="content_task_owner_status_new"
            ),
            models.Index(fields=["owner", "due_date"], name="content_task_owner_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def percent_done(self) -> int:
        """What pages show: 100 once completed, else the task's own progress."""
        return 100 if self.is_done else self.progress

    @property
    def is_overdue(self) -> bool:
        open_ = self.status in (self.Status.PENDING, self.Status.IN_PROGRESS)
        return open_ and self.due_date is not None and self.due_date < timezone.localdate()


class Note(OwnedItem):
    title = models.CharField(max_length=TITLE_MAX)
    content = models.TextField("content (Markdown)", blank=True)
    # Rendered and sanitised when saved (content.rendering), so pages never render Markdown; the
    # summary is its plain text, for list previews.
    content_html = models.TextField(blank=True, editable=False)
    summary = models.CharField(max_length=SUMMARY_MAX, blank=True, editable=False)
    is_pinned = models.BooleanField("pinned", default=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    tags = models.ManyToManyField(Tag, related_name="notes", blank=True)

    class Meta(OwnedItem.Meta):
        indexes: ClassVar = [
            # Pinned notes first in every list sort (content.selectors.NOTE_SORTS); the plain
            # updated index serves the dashboard's recent notes.
            models.Index(fields=["owner", "-updated_at"], name="content_note_owner_updated"),
            models.Index(
                fields=["owner", "-is_pinned", "-updated_at", "-id"], name="content_note_owner_pin_upd"
            ),
            models.Index(
                fields=["owner", "-is_pinned", "-created_at", "-id"], name="content_note_owner_pin_new"
            ),
            models.Index(
                F("owner"),
                F("is_pinned").desc(),
                Lower("title"),
                F("id"),
                name="content_note_owner_pin_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def render(self) -> None:
        """Compute ``content_html`` and ``summary`` from ``content`` (before saving)."""
        self.content_html = render_markdown(self.content)
        self.summary = plain_text(self.content_html, SUMMARY_MAX)


class StoredFile(OwnedItem):
    """An uploaded file. The blob lives under ``MEDIA_ROOT/uploads/`` with a random name and is only
    ever served through the owner's download view or an active share link."""

    name = models.CharField(max_length=255, help_text="The file name shown and used for downloads.")
    description = models.TextField(blank=True)
    blob = models.FileField(upload_to=upload_path, max_length=255, editable=False)
    size = models.BigIntegerField(editable=False)
    content_type = models.CharField(max_length=100, editable=False, help_text="Detected from the content.")
    sha256 = models.CharField(max_length=64, editable=False)
    tags = models.ManyToManyField(Tag, related_name="files", blank=True)

    class Meta(OwnedItem.Meta):
        verbose_name = "file"
        indexes: ClassVar = [
            # The list sorts (content.selectors.FILE_SORTS), with the id tie-break.
            models.Index(fields=["owner", "-created_at", "-id"], name="content_file_owner_created_id"),
            models.Index(fields=["owner", "-updated_at"], name="content_file_owner_updated"),
            models.Index(F("owner"), Lower("name"), F("id"), name="content_file_owner_name"),
            models.Index(fields=["owner", "-size", "-id"], name="content_file_owner_size"),
        ]

    def __str__(self) -> str:
        return self.name


class PublicLink(models.Model):
    """What every public, revocable link shares: an unguessable token, an optional expiry, a revoke."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.is_active() else "expired"


class ShareLink(PublicLink):
    """A public, revocable link to one file: whoever has the token may download it until it expires."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="share_links")
    download_count = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        return f"Share link for {self.file_id}"


class Collection(models.Model):
    """A named set of the owner's bookmarks (a bookmark is in at most one collection, as in
    Linkwarden), readable by the users it is shared with and by whoever holds an active link."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_collections"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(F("owner"), Lower("name"), name="content_collection_owner_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class CollectionItem(models.Model):
    """A bookmark's place in a collection (unique per bookmark: moving replaces it)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    bookmark = models.OneToOneField(Bookmark, on_delete=models.CASCADE, related_name="collection_item")
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"{self.bookmark_id} in {self.collection_id}"


class CollectionLink(PublicLink):
    """A public, read-only, revocable link to one collection."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="links")

    def __str__(self) -> str:
        return f"Link to collection {self.collection_id}"


class ImportRun(models.Model):
    """One file import, run by the background job ``content.jobs.run_import``.

    The row is the import's progress and outcome, polled by its status page: ``processed`` of
    ``total`` entries so far and the counts of an ``ImportResult``. The uploaded bytes wait in
    storage at ``blob`` until the job has read them.
    """

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES: ClassVar = [(QUEUED, "Waiting"), (RUNNING, "Importing"), (DONE, "Finished"), (FAILED, "Failed")]

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_runs")
    what = models.CharField(max_length=20)  # "bookmarks", "archive" or "app"
    source = models.CharField(max_length=20, blank=True)  # the app, for "app" imports
    filename = models.CharField(max_length=255, blank=True)
    blob = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    added = models.JSONField(default=dict)
    duplicates = models.JSONField(default=dict)
    invalid = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    more_problems = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.what} import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def percent(self) -> int:
        return min(100, self.processed * 100 // self.total) if self.total else 0
