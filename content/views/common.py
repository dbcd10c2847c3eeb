"""Helpers shared by the content views: owner-scoped lookups, pagination, htmx row responses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from content import keyset, selectors
from content.models import Bookmark, Note, Project, StoredFile, Tag, Task
from core import bodies
from core.http import safe_next

PAGE_SIZE = 25
NUMBERED_PAGES = 3  # pages reached by number (OFFSET, with a count); "Older" from the last is a cursor
CURSOR_PARAMS = ("after", "before")


@dataclass(frozen=True)
class KindInfo:
    """How pages name and link one kind of item."""

    kind: str
    model: type[Model]
    singular: str
    plural: str

    @property
    def list_url(self) -> str:
        return reverse(f"content:{self.kind}_list")


KINDS = {
    "bookmark": KindInfo("bookmark", Bookmark, "bookmark", "bookmarks"),
    "task": KindInfo("task", Task, "task", "tasks"),
    "note": KindInfo("note", Note, "note", "notes"),
    "file": KindInfo("file", StoredFile, "file", "files"),
    "tag": KindInfo("tag", Tag, "tag", "tags"),
    "project": KindInfo("project", Project, "project", "projects"),
}


def owned(request: HttpRequest, model: type[Model], pk: int, queryset: QuerySet[Any] | None = None) -> Any:
    """The signed-in user's row ``pk`` of ``model``, else 404 (also for other users' rows)."""
    base = queryset if queryset is not None else model._default_manager.all()
    return get_object_or_404(base.filter(owner_id=request.user.pk), pk=pk)


def posted(request: HttpRequest, files: bool = False) -> tuple[Any, ...]:
    """Form data for a POST (bound even when every field is empty), nothing for a GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def page_of(request: HttpRequest, queryset: QuerySet[Any]) -> Page:
    """The requested page (out-of-range or malformed numbers give the nearest valid page)."""
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    for name in ("page", *CURSOR_PARAMS):
        params.pop(name, None)
    return params.urlencode()


def _cursor_query(name: str, page: int, row: Any, columns: list[keyset.Column]) -> str:
    return urlencode({name: keyset.Cursor(page, keyset.key_of(row, columns)).encode()})


def _numbered(
    request: HttpRequest, queryset: QuerySet[Any], columns: list[keyset.Column] | None
) -> selectors.ListPage:
    """A page by number (OFFSET and a COUNT). "Older" from page ``NUMBERED_PAGES`` is a cursor."""
    found = page_of(request, queryset)
    rows, number = list(found.object_list), found.number
    following = ""
    if found.has_next():
        following = f"page={number + 1}"
        if columns is not None and number >= NUMBERED_PAGES:
            following = _cursor_query("after", number + 1, rows[-1], columns)
    preceding = f"page={number - 1}" if found.has_previous() else ""
    paginator = found.paginator
    return selectors.ListPage(rows, number, paginator.num_pages, paginator.count, preceding, following)


def _by_cursor(
    queryset: QuerySet[Any], columns: list[keyset.Column], cursor: keyset.Cursor
) -> selectors.ListPage:
    """The page after (or before) the cursor's row: a seek in the list's index, no OFFSET or COUNT."""
    seek = queryset.filter(keyset.condition(columns, cursor.values, reverse=cursor.before))
    if cursor.before:
        found = list(seek.reverse()[: PAGE_SIZE + 1])
        more_before, more_after = len(found) > PAGE_SIZE, True
        rows = found[:PAGE_SIZE][::-1]
    else:
        found = list(seek[: PAGE_SIZE + 1])
        more_before, more_after = True, len(found) > PAGE_SIZE
        rows = found[:PAGE_SIZE]
    number = cursor.page
    preceding = following = ""
    if rows and more_before:
        preceding = (
            f"page={number - 1}"
            if number - 1 <= NUMBERED_PAGES
            else _cursor_query("before", number - 1, rows[0], columns)
        )
    if rows and more_after:
        following = _cursor_query("after", number + 1, rows[-1], columns)
    return selectors.ListPage(rows, number, None, None, preceding, following)


def paged(request: HttpRequest, queryset: QuerySet[Any]) -> selectors.ListPage:
    """The page of ``queryset`` the request asks for: by cursor (``after``/``before``) when it
    names one the list can seek to, else by number."""
    prepared = keyset.prepare(queryset)
    if prepared is None:
        return _numbered(request, queryset, None)
    seekable, columns = prepared
    after, before = request.GET.get("after", ""), request.GET.get("before", "")
    cursor = keyset.decode(after, seekable, columns) if after else None
    if cursor is None and before:
        cursor = keyset.decode(before, seekable, columns, before=True)
    if cursor is None:
        return _numbered(request, seekable, columns)
    return _by_cursor(seekable, columns, cursor)


def row_or_redirect(
    request: HttpRequest, template: str, context: dict[str, Any], default_url: str
) -> HttpResponse:
    """An htmx request gets the updated row partial; a plain form post goes back where it came from."""
    if getattr(request, "htmx", False):
        here = request.htmx.current_url_abs_path or default_url  # type: ignore[attr-defined]
        no_select = request.POST.get("no_select") == "1"  # rows shown without the bulk checkbox
        return render(request, template, {"here": here, "no_select": no_select, **context})
    return HttpResponseRedirect(safe_next(request, default_url))


def list_page(
    request: HttpRequest,
    kind: str,
    form_class: Callable[..., Form],
    rows: Callable[[Any], QuerySet[Any]],
    template: str,
    extra: Callable[[int], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A filtered, paginated list page (by number, then by keyset cursor: ``paged``). Its rows,
    position and the owner's tags come from the ``lists`` cache keyed by the filter, page and cursor
    parameters as sent; only a miss builds the queryset (``rows(filters)``) and runs its queries.
    The rows are cached rendered too (``<kind>s/_rows.html``, per address, time zone and day: their
    links back, times and "overdue" depend on those), their CSRF token a slot filled per request
    (``core.bodies``). The filter form is bound to the cached tags."""
    owner_id = request.user.pk
    fields = (*form_class.base_fields, "page", *CURSOR_PARAMS)  # type: ignore[attr-defined]
    params = urlencode([(name, request.GET.get(name, "")) for name in fields])
    here = request.get_full_path()
    today, zone = timezone.localdate(), timezone.get_current_timezone_name()

    def compute() -> selectors.CachedList:
        tags = selectors.owner_tags(owner_id)
        page = paged(request, rows(form_class(request.GET, tags=tags)))
        row_context = {"page": page, "here": here, "csrf_token": bodies.slot(bodies.CSRF)}
        rows_html = render_to_string(template.replace("list.html", "_rows.html"), row_context, request)
        return selectors.CachedList(page, tags, extra(owner_id) if extra is not None else {}, rows_html)

    variant = (bodies.request_digest(request, here), zone, today.isoformat())
    cached = selectors.cached_list(owner_id, kind, params, compute, *variant)
    context = {
        "page": cached.page,
        "rows_html": mark_safe(bodies.fill(cached.rows_html, bodies.csrf_value(request))),
        "filters": form_class(request.GET, tags=cached.tags),
        "all_tags": cached.tags,
        "query": query_without_page(request),
        "here": here,
        **cached.extra,
    }
    return render(request, template, context)
