"""Marketplace pages: browse, item page (preview, reviews, add), publish, edit, withdraw, my items."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace import kinds, selectors, services
from marketplace.forms import BrowseForm, ItemEditForm, PublishForm, ReviewForm
from marketplace.models import Item

MINE_PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    form = BrowseForm(request.GET)
    filters = form.filters()
    page = selectors.browse(filters, request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "categories": selectors.categories(),
        "sorts": selectors.SORTS,
        "query": _query_without_page(request),
    }
    return render(request, "marketplace/browse.html", context)


def _item_page(
    request: HttpRequest, item: Item, review_form: ReviewForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        kind: kinds.ItemKind | None = kinds.get(item.kind)
    except kinds.UnknownKind:
        kind = None
    own = selectors.own_review(request.user, item)
    if review_form is None:
        initial = {"stars": own.stars, "text": own.text} if own else None
        review_form = ReviewForm(initial=initial)
    context = {
        "item": item,
        "kind": kind,
        "kind_label": kinds.label(item.kind),
        "preview": kind.preview(item.payload) if kind else {},
        "reviews": selectors.reviews(item, request.GET.get("page")),
        "own_review": own,
        "review_form": review_form,
        "is_author": item.author_id == request.user.pk,
        "added": selectors.has_added(request.user, item),
    }
    return render(request, "marketplace/item.html", context, status=status)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    services.record_view(item, request.user.pk)
    return _item_page(request, item)


@login_required
@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    try:
        added = services.add_to_trackeep(request.user, item)
    except services.MarketplaceError as error:
        messages.error(request, error.message)
        return redirect("marketplace:item", pk=item.pk)
    if not added.first:
        messages.info(request, "You added this item before; nothing was copied again.")
    else:
        parts = [f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in sorted(added.installed.added.items())]
        text = ", ".join(parts) or "nothing new (you already had everything in it)"
        messages.success(request, f"Added to your Trackeep: {text}.")
    return redirect("marketplace:item", pk=item.pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.save_review(request.user, item, **form.cleaned_data)
        except services.MarketplaceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your review is saved.")
            return redirect("marketplace:item", pk=item.pk)
    return _item_page(request, item, review_form=form, status=400)


@login_required
@require_POST
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    if services.delete_review(request.user, item):
        messages.success(request, "Your review is deleted.")
    return redirect("marketplace:item", pk=item.pk)


# --- authors --------------------------------------------------------------------------------------


@login_required
def publish_start(request: HttpRequest) -> HttpResponse:
    return render(request, "marketplace/publish_start.html", {"kinds": kinds.all_kinds()})


@login_required
def publish(request: HttpRequest, kind_key: str) -> HttpResponse:
    try:
        kind = kinds.get(kind_key)
    except kinds.UnknownKind:
        raise Http404("No such kind of item.") from None
    data = request.POST if request.method == "POST" else None
    form = PublishForm(data, kind=kind, owner_id=request.user.pk)
    if form.is_valid():
        try:
            item = services.publish(request.user, kind.key, form.cleaned_data["source"], **form.details())
        except kinds.SourceError as error:
            form.add_error("source", str(error))
        else:
            if item.is_published:
                messages.success(request, f"“{item.title}” is published.")
            else:
                messages.success(
                    request, f"“{item.title}” is saved; an admin will review it before others see it."
                )
            return redirect("marketplace:item", pk=item.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "marketplace/publish.html", {"form": form, "kind": kind}, status=status)


def _own_item(request: HttpRequest, pk: int) -> Item:
    item = Item.objects.prefetch_related("tags").filter(pk=pk, author_id=request.user.pk).first()
    if item is None:
        raise Http404("No such item.")
    return item


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    form = ItemEditForm.for_item(item, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.update_item(item, refresh=form.cleaned_data["refresh"], **form.details())
        except (kinds.SourceError, kinds.UnknownKind) as error:
            form.add_error("refresh", f"The content could not be refreshed: {error}")
        else:
            messages.success(request, "Item updated.")
            return redirect("marketplace:item", pk=item.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "marketplace/edit.html", {"form": form, "item": item}, status=status)


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = _own_item(request, pk)
    if request.method == "POST":
        services.withdraw(item)
        messages.success(request, f"“{item.title}” is withdrawn; only you can see it now.")
        return redirect("marketplace:mine")
    return render(request, "marketplace/withdraw.html", {"item": item})


@login_required
@require_POST
def republish(request: HttpRequest, pk: int) -> HttpResponse:
    item = services.republish(_own_item(request, pk))
    if item.is_published:
        messages.success(request, f"“{item.title}” is published again.")
    else:
        messages.info(request, f"“{item.title}” waits for an admin's approval.")
    return redirect("marketplace:item", pk=item.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.authored_by(request.user.pk), MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "marketplace/mine.html", {"page": page})
