"""Admin pages for search: the index is read-only here (it is derived from content; rebuild it with
``manage.py search_reindex``); saved searches can be inspected and removed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from search.models import SavedSearch, SearchDocument


@admin.register(SearchDocument)
class SearchDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "object_id", "owner", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("owner",)
    search_fields = ("title", "owner__username")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    search_fields = ("name", "owner__username")
    readonly_fields = ("created_at",)
