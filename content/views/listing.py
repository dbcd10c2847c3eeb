"""What a list page shows for its query string: the filter form, the owner's tags and the queryset;
and which items a bulk action applies to.

The list pages and "select all across pages" in the bulk bar share this, so a bulk action applied to
every item of a filtered list acts on exactly the items that list shows (on every page). The bulk
bar posts either the ticked ``ids`` or ``all=1`` with the list's query string in ``filters``. At
most ``BULK_MAX`` items are changed at once; a longer list is refused with a message (narrow it with
a filter), never cut silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from content import selectors
from content.forms import (
    BookmarkFilterForm,
    FileFilterForm,
    FilterForm,
    NoteFilterForm,
    TaskFilterForm,
    yes_no,
)
from content.models import Tag


@dataclass(frozen=True)
class Listing:
    filters: FilterForm
    tags: list[Tag]
    items: QuerySet[Any]


def _bookmarks(owner_id: int, filters: FilterForm) -> QuerySet[Any]:
    return selectors.bookmarks_for(
        owner_id,
        tag_id=filters.value("tag"),
        favorite=yes_no(filters.value("favorite")),
        read=yes_no(filters.value("read")),
        sort=filters.value("sort") or "newest",
    )


def _tasks(owner_id: int, filters: FilterForm) -> QuerySet[Any]:
    return selectors.tasks_for(
        owner_id,
        tag_id=filters.value("tag"),
        status=filters.value("status") or None,
        priority=filters.value("priority") or None,
        sort=filters.value("sort") or "newest",
    )


def _notes(owner_id: int, filters: FilterForm) -> QuerySet[Any]:
    return selectors.notes_for(
        owner_id,
        tag_id=filters.value("tag"),
        pinned=yes_no(filters.value("pinned")),
        sort=filters.value("sort") or "updated",
    )


def _files(owner_id: int, filters: FilterForm) -> QuerySet[Any]:
    return selectors.files_for(owner_id, tag_id=filters.value("tag"), sort=filters.value("sort") or "newest")


LISTS: dict[str, tuple[type[FilterForm], Callable[[int, FilterForm], QuerySet[Any]]]] = {
    "bookmark": (BookmarkFilterForm, _bookmarks),
    "task": (TaskFilterForm, _tasks),
    "note": (NoteFilterForm, _notes),
    "file": (FileFilterForm, _files),
}


def listing(kind: str, owner_id: int, params: QueryDict) -> Listing:
    """The ``kind`` list of ``owner_id`` filtered by ``params`` (a list page's query string)."""
    form_class, items = LISTS[kind]
    tags = selectors.owner_tags(owner_id)
    filters = form_class(params, tags=tags)
    return Listing(filters, tags, items(owner_id, filters))


BULK_MAX = 500  # the ids of a bulk delete travel back through its confirmation page (< 1000 fields)


class TooMany(Exception):
    """A "select all" on a list longer than ``BULK_MAX``."""


def selected_ids(request: HttpRequest, kind: str) -> list[int]:
    """The ids a bulk POST names: the ticked ones, or every item of the list it came from."""
    if request.POST.get("all") == "1":
        found = listing(kind, request.user.pk, QueryDict(request.POST.get("filters", "")))
        ids = list(found.items.values_list("pk", flat=True)[: BULK_MAX + 1])
        if len(ids) > BULK_MAX:
            raise TooMany(f"At most {BULK_MAX} items can be changed at once: narrow the list with a filter.")
        return ids
    return [int(value) for value in request.POST.getlist("ids") if value.isdecimal()][:BULK_MAX]
