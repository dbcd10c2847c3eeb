"""Admin pages for content. Saves and deletes made here go through ``content.services``'s change
notification, so the owner's search and dashboard caches are invalidated as for any other write."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from content import services
from content.models import (
    Bookmark,
    Collection,
    CollectionLink,
    Note,
    Project,
    ShareLink,
    StoredFile,
    Tag,
    Task,
)


class ContentAdmin(admin.ModelAdmin):
    """Common behaviour: owner shown and searchable, tags by id (they are per user)."""

    kind = ""
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("uid", "created_at", "updated_at")
    date_hierarchy = "created_at"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.refresh_derived(obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.announce_admin_change(form.instance, self.kind, created=not change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.delete_items(obj.owner_id, self.kind, [obj.pk])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        by_owner: dict[int, list[int]] = {}
        for pk, owner_id in queryset.values_list("pk", "owner_id"):
            by_owner.setdefault(owner_id, []).append(pk)
        for owner_id, ids in by_owner.items():
            services.delete_items(owner_id, self.kind, ids)


@admin.register(Tag)
class TagAdmin(ContentAdmin):
    kind = "tag"
    list_display = ("name", "owner", "color", "created_at")
    search_fields = ("name", "owner__username", "owner__email")
    list_filter = ("created_at",)
    readonly_fields = ("created_at",)


@admin.register(Bookmark)
class BookmarkAdmin(ContentAdmin):
    kind = "bookmark"
    list_display = ("title", "owner", "url", "is_read", "is_favorite", "created_at")
    list_filter = ("is_read", "is_favorite", "created_at")
    search_fields = ("title", "url", "description", "owner__username")
    raw_id_fields = ("owner", "tags")
    readonly_fields = ("uid", "created_at", "updated_at", "read_at")


@admin.register(Task)
class TaskAdmin(ContentAdmin):
    kind = "task"
    list_display = ("title", "owner", "status", "priority", "due_date", "progress", "created_at")
    list_filter = ("status", "priority", "due_date")
    search_fields = ("title", "description", "owner__username")
    raw_id_fields = ("owner", "parent", "project", "tags")
    readonly_fields = ("uid", "created_at", "updated_at", "completed_at", "reminded_at")


@admin.register(Project)
class ProjectAdmin(ContentAdmin):
    kind = "project"
    list_display = ("name", "owner", "created_at")
    search_fields = ("name", "description", "owner__username")


@admin.register(Note)
class NoteAdmin(ContentAdmin):
    kind = "note"
    list_display = ("title", "owner", "is_pinned", "updated_at")
    list_filter = ("is_pinned", "updated_at")
    search_fields = ("title", "content", "owner__username")
    raw_id_fields = ("owner", "parent", "tags")


class ShareLinkInline(admin.TabularInline):
    model = ShareLink
    extra = 0
    fields = ("token", "created_at", "expires_at", "revoked_at", "download_count")
    readonly_fields = ("token", "created_at", "download_count")


@admin.register(StoredFile)
class StoredFileAdmin(ContentAdmin):
    kind = "file"
    list_display = ("name", "owner", "content_type", "size", "created_at")
    list_filter = ("content_type", "created_at")
    search_fields = ("name", "description", "sha256", "owner__username")
    raw_id_fields = ("owner", "tags")
    readonly_fields = ("uid", "created_at", "updated_at", "blob", "size", "content_type", "sha256")
    inlines = (ShareLinkInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # files arrive through the upload page, which checks size and type


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ("file", "created_at", "expires_at", "revoked_at", "download_count")
    list_filter = ("created_at", "expires_at", "revoked_at")
    list_select_related = ("file", "file__owner")
    search_fields = ("file__name", "file__owner__username")
    raw_id_fields = ("file",)
    readonly_fields = ("token", "created_at", "download_count")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CollectionLinkInline(admin.TabularInline):
    model = CollectionLink
    extra = 0
    fields = ("created_at", "expires_at", "revoked_at")  # the token stays out of the admin
    readonly_fields = ("created_at",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # links are made by the owner on the collection's page


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    list_select_related = ("owner",)
    search_fields = ("name", "owner__username")
    raw_id_fields = ("owner", "shared_with")
    inlines = (CollectionLinkInline,)
