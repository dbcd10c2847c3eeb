"""Collections: named sets of bookmarks, shared read-only with other users or through public links.

The owner manages a collection (rename is not offered; delete behind a confirmation page, remove
bookmarks, share with users, create and revoke links with the share-link expiry choices). A user it
is shared with reads it; anyone else gets 404. Public links work like file share links
(content.views.shares): unknown tokens 404, expired or revoked ones 410, and every visit spends the
client address's ``share_link`` budget. Bookmarks are put in a collection from the bookmark list's
bulk bar ("Move to collection").
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from content import selectors, services
from content.forms import CollectionForm, ShareLinkForm, ShareWithForm
from content.models import Collection, CollectionLink
from content.views.common import page_of
from content.views.shares import active_or_gone
from core.ratelimit import per_view


def _own(request: HttpRequest, pk: int) -> Collection:
    return get_object_or_404(Collection, pk=pk, owner_id=request.user.pk)


@login_required
def collection_list(request: HttpRequest) -> HttpResponse:
    form = CollectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            collection = services.create_collection(request.user.pk, **form.cleaned_data)
        except services.CollectionRejected as rejected:
            form.add_error("name", str(rejected))
        else:
            messages.success(request, f"Collection “{collection.name}” created.")
            return redirect("content:collection_detail", collection.pk)
    context = {
        "form": form,
        "mine": selectors.collections_for(request.user.pk),
        "shared": selectors.collections_shared_with(request.user.pk),
    }
    return render(request, "content/collections/list.html", context, status=400 if form.errors else 200)


def _detail(request: HttpRequest, collection: Collection, **extra: Any) -> dict[str, Any]:
    owner = collection.owner_id == request.user.pk
    context = {
        "collection": collection,
        "page": page_of(request, selectors.collection_bookmarks(collection)),
        "is_owner": owner,
        "share_form": ShareWithForm(),
        "link_form": ShareLinkForm(),
    }
    if owner:
        context["shared_with"] = list(collection.shared_with.order_by("username"))
        context["links"] = list(collection.links.order_by("-created_at"))
    return {**context, **extra}


@login_required
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collection = selectors.readable_collection(request.user.pk, pk)
    if collection is None:
        raise Http404("No such collection.")
    return render(request, "content/collections/detail.html", _detail(request, collection))


@login_required
@require_POST
def collection_share(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _own(request, pk)
    form = ShareWithForm(request.POST)
    if form.is_valid():
        user = get_user_model().objects.filter(username__iexact=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", "There is no user with that name.")
        else:
            try:
                services.share_collection(collection, user)
            except services.CollectionRejected as rejected:
                form.add_error("username", str(rejected))
            else:
                messages.success(request, f"Shared with {user.get_username()}.")
                return redirect("content:collection_detail", pk)
    context = _detail(request, collection, share_form=form)
    return render(request, "content/collections/detail.html", context, status=400)


@login_required
@require_POST
def collection_unshare(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    services.unshare_collection(_own(request, pk), user_pk)
    messages.success(request, "No longer shared with that user.")
    return redirect("content:collection_detail", pk)


@login_required
@require_POST
def collection_remove(request: HttpRequest, pk: int) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdecimal()]
    done = services.remove_from_collection(_own(request, pk), ids)
    messages.success(request, f"Removed {done} bookmark{'' if done == 1 else 's'} from the collection.")
    return redirect("content:collection_detail", pk)


@login_required
@require_POST
def collection_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _own(request, pk)
    form = ShareLinkForm(request.POST)
    if not form.is_valid():
        context = _detail(request, collection, link_form=form)
        return render(request, "content/collections/detail.html", context, status=400)
    services.create_collection_link(collection, expires_at=form.expires_at())
    messages.success(request, "Public link created.")
    return redirect("content:collection_detail", pk)


@login_required
@require_POST
def collection_link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_object_or_404(CollectionLink, pk=link_pk, collection=_own(request, pk))
    services.revoke_collection_link(link)
    messages.success(request, "Link revoked: it no longer works.")
    return redirect("content:collection_detail", pk)


@login_required
def collection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    collection = _own(request, pk)
    if request.method == "POST":
        services.delete_collection(collection)
        messages.success(request, f"Deleted the collection “{collection.name}”; its bookmarks are kept.")
        return redirect("content:collection_list")
    return render(request, "content/collections/confirm_delete.html", {"collection": collection})


@never_cache
@per_view.limit("share_link", per_view.client_address)  # unknown tokens spend it too: no enumeration
def collection_public(request: HttpRequest, token: str) -> HttpResponse:
    link = active_or_gone(request, selectors.collection_link_by_token(token))
    if isinstance(link, HttpResponse):
        return link
    collection = link.collection
    context = {
        "link": link,
        "collection": collection,
        "page": page_of(request, selectors.collection_bookmarks(collection)),
    }
    return render(request, "content/collections/public.html", context)
