"""Tag pages: all tags with counts, one tag's items across every type, create, rename, merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from content import selectors, services
from content.forms import TagForm, TagMergeForm
from content.models import Tag
from content.views.common import owned, posted


@login_required
def tag_list(request: HttpRequest) -> HttpResponse:
    owner_id = request.user.pk
    tags = selectors.cached_rows(owner_id, "tags", lambda: list(selectors.tags_with_counts(owner_id)))
    return render(request, "content/tags/list.html", {"tags": tags})


@login_required
def tag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tag = owned(request, Tag, pk)
    items = selectors.items_with_tag(request.user.pk, tag.pk)
    return render(request, "content/tags/detail.html", {"tag": tag, "items": items})


@login_required
def tag_create(request: HttpRequest) -> HttpResponse:
    form = TagForm(*posted(request), owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.create_tag(
                request.user, name=form.cleaned_data["name"], color=form.cleaned_data["color"]
            )
        except services.TagNameTaken:
            form.add_error("name", "You already have a tag with that name.")
        else:
            messages.success(request, f"Tag “{tag.name}” created.")
            return redirect("content:tag_list")
    return _form_page(request, form, None)


@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = owned(request, Tag, pk)
    form = TagForm(*posted(request), instance=tag, owner_id=request.user.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_tag(tag, name=form.cleaned_data["name"], color=form.cleaned_data["color"])
        except services.TagNameTaken:
            form.add_error("name", "You already have a tag with that name. Use Merge to combine them.")
        else:
            messages.success(request, "Tag saved.")
            return redirect("content:tag_detail", pk=tag.pk)
    return _form_page(request, form, tag)


def _form_page(request: HttpRequest, form: TagForm, tag: Tag | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "content/tags/form.html", {"form": form, "tag": tag}, status=status)


@login_required
def tag_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Fold this tag into another: its items get the other tag, then this one is deleted."""
    source = owned(request, Tag, pk)
    form = TagMergeForm(*posted(request), source=source)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        services.merge_tags(target, [source])
        messages.success(request, f"Merged “{source.name}” into “{target.name}”.")
        return redirect("content:tag_detail", pk=target.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "content/tags/merge.html", {"form": form, "tag": source}, status=status)
