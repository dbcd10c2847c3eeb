"""The search index and saved searches.

``SearchDocument`` is a denormalised copy of every bookmark, task, note and file (one row per item,
like Wagtail's ``IndexEntry``), kept in sync from ``content.events.content_changed`` by
``search.indexing``. Searching one table keeps ranking, filters, pagination and the per-kind counts
in the database, in one or two queries. The vendor-specific full-text structures are created by the
migration, outside the model state:

- PostgreSQL: a stored generated ``tsvector`` column (title A, tags B, body C, URL D) with a GIN index;
  it is recomputed by the database on every write, bulk or not.
- SQLite: an FTS5 table (``FtsEntry``) over the same columns, kept in sync by triggers in the same
  transaction as the row. Without FTS5 the backend falls back to LIKE (search.backends.fallback).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

KIND_CHOICES = [("bookmark", "Bookmark"), ("task", "Task"), ("note", "Note"), ("file", "File")]
KINDS = tuple(kind for kind, _ in KIND_CHOICES)
FTS_TABLE = "search_fts"  # SQLite FTS5 table (migration 0001)
VECTOR_COLUMN = "search_vector"  # PostgreSQL tsvector column (migration 0001)
TEXT_CONFIG = "simple"  # PostgreSQL text search configuration: no stemming, no stop words


class SearchDocument(models.Model):
    """One searchable item. ``object_id`` is the item's pk in its content table (``kind``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=8, choices=KIND_CHOICES)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    tags = models.TextField(blank=True, help_text="Tag names, one per line.")
    url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Filters of one kind; NULL (or empty) on the other kinds, so a flag filter implies its kind.
    is_favorite = models.BooleanField(null=True)
    is_read = models.BooleanField(null=True)
    status = models.CharField(max_length=12, blank=True)
    priority = models.CharField(max_length=8, blank=True)
    is_pinned = models.BooleanField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_kind_object"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["owner", "kind"], name="search_doc_owner_kind"),
            models.Index(fields=["owner", "-updated_at"], name="search_doc_owner_updated"),
            models.Index(fields=["owner", "created_at"], name="search_doc_owner_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"

    @property
    def tag_names(self) -> list[str]:
        return [name for name in self.tags.split("\n") if name]


class DocumentTag(models.Model):
    """A tag on an indexed item: filters by name, and finds the items to reindex when a tag is
    renamed, merged or deleted (``tag_id`` is deliberately not a foreign key: the link must outlive
    a deleted tag until its items are reindexed)."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="tag_links")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tag_id = models.BigIntegerField(db_index=True)
    name = models.CharField(max_length=100, help_text="Lowercased tag name.")

    class Meta:
        indexes: ClassVar = [models.Index(fields=["owner", "name"], name="search_tag_owner_name")]

    def __str__(self) -> str:
        return self.name


class Fts5TableColumn(models.TextField):
    """The hidden column an FTS5 table has under its own name: ``MATCH`` and the auxiliary functions
    (``bm25``, ``snippet``, ``highlight``) take it as their first operand."""


class FtsEntry(models.Model):
    """The SQLite FTS5 table over ``SearchDocument`` (external content; rowid = document id).

    Unmanaged: the migration creates it (only on SQLite with FTS5) with its triggers. Only the
    SQLite backend queries it, through the ``fts`` relation.
    """

    document = models.OneToOneField(
        SearchDocument,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fts",
    )
    table = Fts5TableColumn(db_column=FTS_TABLE)
    title = models.TextField()
    tags = models.TextField()
    body = models.TextField()
    url = models.TextField()

    class Meta:
        managed = False
        db_table = FTS_TABLE

    def __str__(self) -> str:
        return self.title


class SavedSearch(models.Model):
    """A named query with its filters (``params``: the search form's parameters, lists of strings)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "saved searches"
        constraints: ClassVar = [
            models.UniqueConstraint(F("owner"), Lower("name"), name="search_saved_owner_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name
