"""Reader copies in the admin: state and error per bookmark, read-only content."""

from django.contrib import admin

from reader.models import ReaderCopy


@admin.register(ReaderCopy)
class ReaderCopyAdmin(admin.ModelAdmin):
    list_display = ("bookmark", "status", "attempts", "fetched_at", "error")
    list_filter = ("status",)
    search_fields = ("bookmark__url", "title")
    raw_id_fields = ("bookmark",)
    readonly_fields = ("html", "text", "fetched_at", "updated_at")
