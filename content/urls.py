"""URL routes of the content app (mounted at /content/)."""

from __future__ import annotations

from django.urls import path, register_converter

import core.converters  # noqa: F401  (registers <dbid:>)
from content.views import (
    bookmarks,
    bulk,
    collections,
    deletion,
    files,
    notes,
    projects,
    shares,
    tags,
    tasks,
    transfer,
)


class TokenConverter:
    regex = r"[A-Za-z0-9_-]{20,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")


def _item_routes(kind: str, plural: str, module: object) -> list:  # type: ignore[type-arg]
    return [
        path(f"{plural}/", getattr(module, f"{kind}_list"), name=f"{kind}_list"),
        path(f"{plural}/<dbid:pk>/", getattr(module, f"{kind}_detail"), name=f"{kind}_detail"),
        path(f"{plural}/<dbid:pk>/edit/", getattr(module, f"{kind}_edit"), name=f"{kind}_edit"),
        path(f"{plural}/<dbid:pk>/delete/", deletion.confirm_delete, {"kind": kind}, name=f"{kind}_delete"),
        path(f"{plural}/delete/", deletion.bulk_delete, {"kind": kind}, name=f"{kind}_bulk_delete"),
        path(f"{plural}/bulk/", bulk.bulk_action, {"kind": kind}, name=f"{kind}_bulk"),
    ]


app_name = "content"
urlpatterns = [
    *_item_routes("bookmark", "bookmarks", bookmarks),
    path("bookmarks/new/", bookmarks.bookmark_create, name="bookmark_create"),
    path("bookmarks/<dbid:pk>/toggle/<str:flag>/", bookmarks.bookmark_toggle, name="bookmark_toggle"),
    *_item_routes("task", "tasks", tasks),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/<dbid:pk>/toggle/", tasks.task_toggle, name="task_toggle"),
    path("tasks/<dbid:pk>/move/", tasks.task_move, name="task_move"),
    path("tasks/quick/", tasks.task_quick_add, name="task_quick_add"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<dbid:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<dbid:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<dbid:pk>/delete/", deletion.confirm_delete, {"kind": "project"}, name="project_delete"),
    *_item_routes("note", "notes", notes),
    path("notes/new/", notes.note_create, name="note_create"),
    path("notes/<dbid:pk>/pin/", notes.note_pin, name="note_pin"),
    path("notes/<dbid:pk>/task/", notes.note_task, name="note_task"),
    path("notes/preview/", notes.note_preview, name="note_preview"),
    *_item_routes("file", "files", files),
    path("files/upload/", files.file_upload, name="file_upload"),
    path("files/<dbid:pk>/download/", files.file_download, name="file_download"),
    path("files/<dbid:pk>/shares/", files.share_create, name="share_create"),
    path("files/<dbid:pk>/shares/<dbid:link_pk>/revoke/", files.share_revoke, name="share_revoke"),
    path("s/<token:token>/", shares.share_page, name="share_page"),
    path("s/<token:token>/download/", shares.share_download, name="share_download"),
    path("collections/", collections.collection_list, name="collection_list"),
    path("collections/<dbid:pk>/", collections.collection_detail, name="collection_detail"),
    path("collections/<dbid:pk>/share/", collections.collection_share, name="collection_share"),
    path(
        "collections/<dbid:pk>/share/<dbid:user_pk>/remove/",
        collections.collection_unshare,
        name="collection_unshare",
    ),
    path("collections/<dbid:pk>/remove/", collections.collection_remove, name="collection_remove"),
    path("collections/<dbid:pk>/links/", collections.collection_link_create, name="collection_link_create"),
    path(
        "collections/<dbid:pk>/links/<dbid:link_pk>/revoke/",
        collections.collection_link_revoke,
        name="collection_link_revoke",
    ),
    path("collections/<dbid:pk>/delete/", collections.collection_delete, name="collection_delete"),
    path("c/<token:token>/", collections.collection_public, name="collection_public"),
    path("tags/", tags.tag_list, name="tag_list"),
    path("tags/new/", tags.tag_create, name="tag_create"),
    path("tags/<dbid:pk>/", tags.tag_detail, name="tag_detail"),
    path("tags/<dbid:pk>/edit/", tags.tag_edit, name="tag_edit"),
    path("tags/<dbid:pk>/merge/", tags.tag_merge, name="tag_merge"),
    path("tags/<dbid:pk>/delete/", deletion.confirm_delete, {"kind": "tag"}, name="tag_delete"),
    path("transfer/", transfer.transfer, name="transfer"),
    path("transfer/bookmarks/import/", transfer.import_bookmarks, name="import_bookmarks"),
    path("transfer/bookmarks/export/", transfer.export_bookmarks, name="export_bookmarks"),
    path("transfer/archive/import/", transfer.import_archive, name="import_archive"),
    path("transfer/apps/import/", transfer.import_app, name="import_app"),
    path("transfer/imports/<dbid:pk>/", transfer.import_run, name="import_run"),
    path("transfer/archive/export/", transfer.export_archive, name="export_archive"),
]
