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
from django.urls import reverse

from content import selectors
from content.models import Bookmark, Note, Project, StoredFile, Tag, Task
from core.http import safe_next

PAGE_SIZE = 25


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
    params.pop("page", None)
    return params.urlencode()


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
    """A filtered, paginated list page. Its rows, position and the owner's tags come from the
    ``lists`` cache keyed by the filter and page parameters as sent; only a miss builds the
    queryset (``rows(filters)``) and runs its queries. The filter form is bound to the cached tags."""
    owner_id = request.user.pk
    fields = (*form_class.base_fields, "page")  # type: ignore[attr-defined]
    params = urlencode([(name, request.GET.get(name, "")) for name in fields])

    def compute() -> selectors.CachedList:
        tags = selectors.owner_tags(owner_id)
        found = page_of(request, rows(form_class(request.GET, tags=tags)))
        page = selectors.ListPage(
            list(found.object_list), found.number, found.paginator.num_pages, found.paginator.count
        )
        return selectors.CachedList(page, tags, extra(owner_id) if extra is not None else {})

    cached = selectors.cached_list(owner_id, kind, params, compute)
    context = {
        "page": cached.page,
        "filters": form_class(request.GET, tags=cached.tags),
        "all_tags": cached.tags,
        "query": query_without_page(request),
        "here": request.get_full_path(),
        **cached.extra,
    }
    return render(request, template, context)
