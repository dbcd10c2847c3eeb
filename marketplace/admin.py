"""Admin pages: items (with approve and reject actions), reviews, and the marketplace settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from marketplace import services
from marketplace.models import Item, MarketplaceSettings, Review


@admin.action(description="Approve (publish) the selected items")
def approve_items(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Item]) -> None:
    count = services.approve(queryset)
    messages.success(request, f"{count} item{'' if count == 1 else 's'} published.")


@admin.action(description="Reject (unpublish) the selected items")
def reject_items(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Item]) -> None:
    count = services.reject(queryset)
    messages.success(request, f"{count} item{'' if count == 1 else 's'} rejected.")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "author",
        "kind",
        "category",
        "status",
        "download_count",
        "rating_count",
        "created_at",
    )
    list_filter = ("status", "kind", "category")
    list_select_related = ("author",)
    search_fields = ("title", "description", "author__username")
    actions = (approve_items, reject_items)
    # Status and counts change only through the actions and services, which keep the rankings right.
    readonly_fields = (
        "author",
        "kind",
        "source",
        "status",
        "summary",
        "payload",
        "published_at",
        "view_count",
        "download_count",
        "rating_count",
        "rating_sum",
        "rating_score",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items are published from their author's content (marketplace.kinds)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("item", "user", "stars", "updated_at")
    list_select_related = ("item", "user")
    readonly_fields = ("item", "user", "stars", "text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a deleted review must re-score its item: reviewers delete their own


@admin.register(MarketplaceSettings)
class MarketplaceSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MarketplaceSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
