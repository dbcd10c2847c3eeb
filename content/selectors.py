"""Reads of a user's content: list querysets with filters and sorts, tag pages, and cards.

Every function takes the owner and filters by it first, so no read can reach another user's rows.
List querysets prefetch tags (one query per page, however many rows) and select the parent row in
the same query. A list page as shown (its rows, position and the owner's tags) is cached in the
owner's ``lists`` family (``cached_list``), bumped after every content write by ``content.receivers``;
other families (search, dashboard) belong to their apps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower
from django.urls import reverse

from content.caches import LISTS
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

MODELS: dict[str, type[Model]] = {
    "bookmark": Bookmark,
    "task": Task,
    "note": Note,
    "file": StoredFile,
    "tag": Tag,
    "project": Project,
}
BOARD_STATUSES = (Task.Status.PENDING, Task.Status.IN_PROGRESS, Task.Status.COMPLETED)
BOARD_LABELS = {
    Task.Status.PENDING: "To do",
    Task.Status.IN_PROGRESS: "In progress",
    Task.Status.COMPLETED: "Done",
}
ITEM_KINDS = ("bookmark", "task", "note", "file")
TAG_RELATIONS = {"bookmark": "bookmarks", "task": "tasks", "note": "notes", "file": "files"}
MAX_PARENT_DEPTH = 100

_TAGS = Prefetch("tags", queryset=Tag.objects.order_by(Lower("name")))
_PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}

BOOKMARK_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "updated": ("-updated_at", "-pk"),
    "title": (Lower("title"), "pk"),
}
TASK_SORTS = {
    "newest": ("-created_at", "-pk"),
    "due": (F("due_date").asc(nulls_last=True), "-created_at", "-pk"),  # undated tasks last
    "priority": ("priority_rank", F("due_date").asc(nulls_last=True), "-created_at", "-pk"),
    "updated": ("-updated_at", "-pk"),
    "title": (Lower("title"), "pk"),
}
NOTE_SORTS = {
    "updated": ("-is_pinned", "-updated_at", "-pk"),
    "newest": ("-is_pinned", "-created_at", "-pk"),
    "title": ("-is_pinned", Lower("title"), "pk"),
}
FILE_SORTS = {
    "newest": ("-created_at", "-pk"),
    "name": (Lower("name"), "pk"),
    "size": ("-size", "-pk"),
}


# Part of every list entry's key: a change to what an entry holds (``ListPage``, ``CachedList``) takes
# a new value, so entries cached by the previous release are never read as the new shape.
LIST_ENTRY_FORMAT = "f2"


@dataclass(frozen=True)
class ListPage:
    """One page of a list as cached: its rows, where it sits and the query parameter of each
    neighbour (``page=2``, or a keyset cursor ``after=...``/``before=...``; "" when there is none).
    Offers what templates ask of Django's ``Page``: a sequence of its rows, and ``paginator`` is the
    page itself, carrying ``count`` and ``num_pages`` (None on a cursor page: nothing is counted)."""

    object_list: list[Any]
    number: int
    num_pages: int | None
    count: int | None
    previous_query: str = ""
    next_query: str = ""

    @property
    def paginator(self) -> ListPage:
        return self

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: int) -> Any:
        return self.object_list[index]

    def has_next(self) -> bool:
        return bool(self.next_query)

    def has_previous(self) -> bool:
        return bool(self.previous_query)

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()


@dataclass(frozen=True)
class CachedList:
    """What a list page shows from the database: the page, the owner's tags (filter menu) and any
    other choices the page offers (the bookmark list's "Move to collection")."""

    page: ListPage
    tags: list[Tag]
    extra: dict[str, Any] = field(default_factory=dict)
    rows_html: str = ""  # the page's rows as rendered, with a CSRF slot (core.bodies)


def cached_list(
    owner_id: int, name: str, params: str, compute: Callable[[], CachedList], *variant: str
) -> CachedList:
    """The owner's list ``name`` for the request parameters ``params`` (filters and page, digested
    into the key) and ``variant`` (what else its rendered rows depend on), from the ``lists``
    family: one round trip on a hit, ``compute()`` on a miss."""
    return LISTS.get_or_compute(compute, name, LIST_ENTRY_FORMAT, params, *variant, user_id=owner_id).value


def cached_rows(owner_id: int, name: str, compute: Callable[[], list[Any]]) -> list[Any]:
    """An unpaginated list page (tags, projects) from the ``lists`` family."""
    return LISTS.get_or_compute(compute, name, user_id=owner_id).value


def owner_tags(owner_id: int) -> list[Tag]:
    """The owner's tags by name (filter menus, tag suggestions)."""
    return list(Tag.objects.filter(owner_id=owner_id).order_by(Lower("name")))


def tag_family(tag_id: int) -> QuerySet[Tag]:
    """The tag and its children: a slash makes a path, so ``dev`` includes ``dev/python`` and
    ``dev/python/async`` (not ``devops``). The same owner, case-insensitively; a subquery."""
    name = Tag.objects.filter(pk=tag_id).values("name")[:1]
    parent = Tag.objects.filter(pk=tag_id).values("owner_id")[:1]
    children = Q(owner_id=Subquery(parent), name__istartswith=Concat(Subquery(name), Value("/")))
    return Tag.objects.filter(Q(pk=tag_id) | children)


def _tagged(queryset: QuerySet[Any], tag_id: int | None) -> QuerySet[Any]:
    """Items carrying the tag or one of its children (a semi-join, so no item is listed twice)."""
    if not tag_id:
        return queryset
    return queryset.filter(pk__in=queryset.model.objects.filter(tags__in=tag_family(tag_id)).values("pk"))


def bookmarks_for(
    owner_id: int,
    *,
    tag_id: int | None = None,
    favorite: bool | None = None,
    read: bool | None = None,
    sort: str = "newest",
) -> QuerySet[Bookmark]:
    queryset = _tagged(Bookmark.objects.filter(owner_id=owner_id), tag_id)
    if favorite is not None:
        queryset = queryset.filter(is_favorite=favorite)
    if read is not None:
        queryset = queryset.filter(is_read=read)
    return queryset.prefetch_related(_TAGS).order_by(*BOOKMARK_SORTS.get(sort, BOOKMARK_SORTS["newest"]))


def bookmark_with_url(owner_id: int, url: str, exclude_pk: int | None = None) -> Bookmark | None:
    """The owner's bookmark of the same address (a trailing slash aside), if any: "saved already"."""
    bare = url.rstrip("/")
    found = Bookmark.objects.filter(owner_id=owner_id, url__in=[url, bare, f"{bare}/"]).order_by("pk")
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.only("pk", "title", "url").first()


def _priority_rank() -> Case:
    return Case(
        *(When(priority=name, then=Value(rank)) for name, rank in _PRIORITY_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )


def tasks_for(
    owner_id: int,
    *,
    tag_id: int | None = None,
    status: str | None = None,
    priority: str | None = None,
    sort: str = "newest",
) -> QuerySet[Task]:
    queryset = _tagged(Task.objects.filter(owner_id=owner_id), tag_id)
    if status == "open":
        queryset = queryset.filter(status__in=(Task.Status.PENDING, Task.Status.IN_PROGRESS))
    elif status:
        queryset = queryset.filter(status=status)
    if priority:
        queryset = queryset.filter(priority=priority)
    subtasks = (
        Task.objects.filter(parent_id=OuterRef("pk")).order_by().values("parent_id").annotate(n=Count("pk"))
    )
    queryset = queryset.annotate(
        priority_rank=_priority_rank(),
        subtask_count=Coalesce(Subquery(subtasks.values("n")), 0),
    )
    order = TASK_SORTS.get(sort, TASK_SORTS["newest"])
    return queryset.select_related("parent", "project").prefetch_related(_TAGS).order_by(*order)


def notes_for(
    owner_id: int, *, tag_id: int | None = None, pinned: bool | None = None, sort: str = "updated"
) -> QuerySet[Note]:
    queryset = _tagged(Note.objects.filter(owner_id=owner_id), tag_id)
    if pinned is not None:
        queryset = queryset.filter(is_pinned=pinned)
    order = NOTE_SORTS.get(sort, NOTE_SORTS["updated"])
    queryset = queryset.select_related("parent")
    queryset = queryset.defer("content", "content_html", "parent__content", "parent__content_html")
    return queryset.prefetch_related(_TAGS).order_by(*order)


def files_for(owner_id: int, *, tag_id: int | None = None, sort: str = "newest") -> QuerySet[StoredFile]:
    queryset = _tagged(StoredFile.objects.filter(owner_id=owner_id), tag_id)
    return queryset.prefetch_related(_TAGS).order_by(*FILE_SORTS.get(sort, FILE_SORTS["newest"]))


def owner_projects(owner_id: int) -> QuerySet[Project]:
    return Project.objects.filter(owner_id=owner_id).order_by(Lower("name"))


def projects_with_counts(owner_id: int) -> QuerySet[Project]:
    """The owner's projects with their open and done task counts (one query)."""
    open_ = Count("tasks", filter=Q(tasks__status__in=(Task.Status.PENDING, Task.Status.IN_PROGRESS)))
    done = Count("tasks", filter=Q(tasks__status=Task.Status.COMPLETED))
    return owner_projects(owner_id).annotate(open_count=open_, done_count=done)


@dataclass(frozen=True)
class BoardColumn:
    status: str
    label: str
    tasks: list[Task]


def board(project: Project) -> list[BoardColumn]:
    """The project's tasks in a column per status (To do, In progress, Done), each in board order;
    cancelled tasks are left off the board (two queries: tasks, then their tags)."""
    tasks = Task.objects.filter(owner_id=project.owner_id, project=project, status__in=BOARD_STATUSES)
    by_status: dict[str, list[Task]] = {status: [] for status in BOARD_STATUSES}
    for task in tasks.prefetch_related(_TAGS).order_by("position", "-created_at", "pk"):
        by_status[task.status].append(task)
    return [BoardColumn(status, BOARD_LABELS[status], rows) for status, rows in by_status.items()]


def tags_with_counts(owner_id: int) -> QuerySet[Tag]:
    """The owner's tags, each annotated with how many items of every kind carry it (one query)."""
    annotations = {}
    for kind, relation in TAG_RELATIONS.items():
        through = getattr(Tag, relation).rel.through  # type: ignore[attr-defined]
        counts = (
            through.objects.filter(tag_id=OuterRef("pk")).order_by().values("tag_id").annotate(n=Count("pk"))
        )
        annotations[f"{kind}_count"] = Coalesce(Subquery(counts.values("n")), 0)
    return Tag.objects.filter(owner_id=owner_id).annotate(**annotations).order_by(Lower("name"))


@dataclass(frozen=True)
class TaggedItems:
    """Everything carrying one tag, newest first, at most ``limit`` of each kind."""

    bookmarks: list[Bookmark]
    tasks: list[Task]
    notes: list[Note]
    files: list[StoredFile]
    limit: int

    @property
    def empty(self) -> bool:
        return not (self.bookmarks or self.tasks or self.notes or self.files)


def items_with_tag(owner_id: int, tag_id: int, limit: int = 50) -> TaggedItems:
    def newest(queryset: QuerySet[Any]) -> list[Any]:
        return list(
            _tagged(queryset.filter(owner_id=owner_id), tag_id).order_by("-created_at", "-pk")[:limit]
        )

    return TaggedItems(
        bookmarks=newest(Bookmark.objects.all()),
        tasks=newest(Task.objects.all()),
        notes=newest(Note.objects.defer("content", "content_html")),
        files=newest(StoredFile.objects.all()),
        limit=limit,
    )


def would_cycle(model: type[Task] | type[Note], item_id: int | None, parent_id: int | None) -> bool:
    """Would making ``parent_id`` the parent of ``item_id`` create a loop (or exceed the depth)?"""
    if item_id is None or parent_id is None:
        return False
    current: int | None = parent_id
    for _ in range(MAX_PARENT_DEPTH):
        if current is None:
            return False
        if current == item_id:
            return True
        current = model.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return True


def ancestors(item: Task | Note) -> list[Any]:
    """The chain of parents of ``item``, outermost first (breadcrumbs)."""
    chain: list[Any] = []
    current = item.parent
    while current is not None and len(chain) < MAX_PARENT_DEPTH:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


# --- activity in a time window (community challenges) ------------------------------------------


def completed_task_ids(
    owner_id: int, start: dt.datetime, end: dt.datetime, among: Iterable[int] | None = None
) -> list[int]:
    """The owner's tasks completed in ``[start, end)`` (only those in ``among`` when given)."""
    queryset = Task.objects.filter(
        owner_id=owner_id, status=Task.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end
    )
    if among is not None:
        queryset = queryset.filter(pk__in=list(among))
    return list(queryset.values_list("pk", flat=True))


def created_ids(
    kind: str, owner_id: int, start: dt.datetime, end: dt.datetime, among: Iterable[int] | None = None
) -> list[int]:
    """The owner's items of ``kind`` created in ``[start, end)`` (only those in ``among`` when given).
    Imported and copied items keep their original dates, so they count only if those fall inside."""
    queryset = MODELS[kind].objects.filter(owner_id=owner_id, created_at__gte=start, created_at__lt=end)
    if among is not None:
        queryset = queryset.filter(pk__in=list(among))
    return list(queryset.values_list("pk", flat=True))


def share_links_for(file: StoredFile) -> list[ShareLink]:
    return list(file.share_links.order_by("-created_at"))


def collections_for(owner_id: int) -> QuerySet[Collection]:
    """The owner's collections by name, each with ``n`` (its bookmarks)."""
    return (
        Collection.objects.filter(owner_id=owner_id).annotate(n=Count("items")).order_by(Lower("name"), "pk")
    )


def collection_choices(owner_id: int) -> dict[str, Any]:
    """The bookmark list's "Move to collection" choices, cached with the page (``lists`` family)."""
    return {"collections": list(collections_for(owner_id))}


def collections_shared_with(user_id: int) -> QuerySet[Collection]:
    return (
        Collection.objects.filter(shared_with=user_id)
        .select_related("owner")
        .annotate(n=Count("items"))
        .order_by(Lower("name"), "pk")
    )


def readable_collection(user_id: int, pk: int) -> Collection | None:
    """The collection if ``user_id`` owns it or it is shared with them, else None (a 404)."""
    return (
        Collection.objects.filter(Q(owner_id=user_id) | Q(shared_with=user_id), pk=pk)
        .select_related("owner")
        .distinct()
        .first()
    )


def collection_bookmarks(collection: Collection) -> QuerySet[Bookmark]:
    """The collection's bookmarks, newest first, tags prefetched."""
    return (
        Bookmark.objects.filter(owner_id=collection.owner_id, collection_item__collection=collection)
        .prefetch_related(_TAGS)
        .order_by("-created_at", "-pk")
    )


def collection_link_by_token(token: str) -> CollectionLink | None:
    return CollectionLink.objects.select_related("collection").filter(token=token).first()


def share_link_by_token(token: str) -> ShareLink | None:
    """The share link with ``token`` and its file, or None (unknown token)."""
    return ShareLink.objects.select_related("file").filter(token=token).first()


def card_for(user: Any, kind: str, item_id: Any) -> dict[str, Any] | None:
    """A small summary of one item for embedding elsewhere (message cards), or None when ``user``
    may not see it (not theirs, missing, unknown kind, anonymous)."""
    model = MODELS.get(kind)
    if kind not in ITEM_KINDS or model is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        item = model.objects.filter(owner_id=user.pk, pk=int(item_id)).first()
    except (TypeError, ValueError):
        return None
    if item is None:
        return None
    card: dict[str, Any] = {
        "kind": kind,
        "id": item.pk,
        "url": reverse(f"content:{kind}_detail", args=[item.pk]),
    }
    if isinstance(item, Bookmark):
        card |= {"title": item.title, "link": item.url, "summary": item.description[:200]}
        card |= {"favicon_url": item.favicon_url, "is_read": item.is_read, "is_favorite": item.is_favorite}
    elif isinstance(item, Task):
        card |= {"title": item.title, "summary": item.description[:200], "status": item.status}
        due = item.due_date.isoformat() if item.due_date else None
        card |= {"priority": item.priority, "due_date": due, "progress": item.percent_done}
    elif isinstance(item, Note):
        card |= {"title": item.title, "summary": item.content[:200], "is_pinned": item.is_pinned}
    elif isinstance(item, StoredFile):
        card |= {"title": item.name, "summary": item.description[:200], "size": item.size}
        card |= {"content_type": item.content_type}
    return card


def items_titled(owner_id: int, text: str, limit: int = 10) -> list[tuple[str, int, str]]:
    """(kind, id, title) of the owner's bookmarks, tasks and notes whose title contains ``text``,
    most recently updated first (message attachments are picked from these)."""
    found: list[tuple[str, int, str, Any]] = []
    for kind, model in (("bookmark", Bookmark), ("task", Task), ("note", Note)):
        rows = model.objects.filter(owner_id=owner_id, title__icontains=text).order_by("-updated_at")
        found += [
            (kind, pk, title, updated)
            for pk, title, updated in rows.values_list("pk", "title", "updated_at")[:limit]
        ]
    found.sort(key=lambda row: row[3], reverse=True)
    return [(kind, pk, title) for kind, pk, title, _ in found[:limit]]


# --- export reads ---------------------------------------------------------------------------


def everything_of(owner_id: int) -> dict[str, QuerySet[Any]]:
    """Every row the owner has, in a stable order, for the archive export."""
    return {
        "tags": Tag.objects.filter(owner_id=owner_id).order_by(Lower("name"), "pk"),
        "bookmarks": Bookmark.objects.filter(owner_id=owner_id)
        .prefetch_related(_TAGS)
        .order_by("created_at", "uid"),
        "projects": Project.objects.filter(owner_id=owner_id).order_by("created_at", "uid"),
        "tasks": Task.objects.filter(owner_id=owner_id)
        .select_related("parent", "project")
        .prefetch_related(_TAGS)
        .order_by("created_at", "uid"),
        "notes": Note.objects.filter(owner_id=owner_id)
        .defer("content_html")
        .select_related("parent")
        .prefetch_related(_TAGS)
        .order_by("created_at", "uid"),
        "files": StoredFile.objects.filter(owner_id=owner_id)
        .prefetch_related(
            _TAGS, Prefetch("share_links", queryset=ShareLink.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "uid"),
    }
