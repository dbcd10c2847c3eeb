"""The list pages' bulk bar: tag, untag, mark read or favourite, move to a collection several ticked
items at once.

Deleting several items keeps its own confirmation page (``deletion.bulk_delete``); these actions
change nothing that cannot be changed back, so they apply at once and say what they did. Ids of
other users' items are ignored, like everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from content import services, tagnames
from content.models import Collection
from content.views.common import KindInfo, safe_next
from content.views.deletion import kind_info
from content.views.listing import TooMany, selected_ids

TAG_ACTIONS = ("tag", "untag")
BOOKMARK_FLAGS: dict[str, dict[str, bool]] = {
    "read": {"is_read": True},
    "unread": {"is_read": False},
    "favorite": {"is_favorite": True},
    "unfavorite": {"is_favorite": False},
}


def _count(info: KindInfo, n: int) -> str:
    return f"{n} {info.singular if n == 1 else info.plural}"


@login_required
@require_POST
def bulk_action(request: HttpRequest, kind: str) -> HttpResponse:
    info = kind_info(kind)
    action = request.POST.get("action", "")
    if action not in TAG_ACTIONS and not (
        kind == "bookmark" and (action in BOOKMARK_FLAGS or action == "move")
    ):
        return HttpResponseBadRequest("Unknown action.")
    back = HttpResponseRedirect(safe_next(request, info.list_url))
    try:
        ids = selected_ids(request, kind)
    except TooMany as refused:
        messages.error(request, str(refused))
        return back
    if not ids:
        messages.info(request, f"Tick the {info.plural} to change first.")
        return back
    if action == "move":
        return _move(request, ids, back)
    if action in BOOKMARK_FLAGS:
        done = services.set_bookmarks_flags(request.user.pk, ids, **BOOKMARK_FLAGS[action])
        messages.success(request, f"Updated {_count(info, done)}.")
        return back
    names = tagnames.parse(request.POST.get("tag", ""))
    if not names:
        messages.error(request, "Type the tag to add or remove first.")
        return back
    apply: Callable[..., int] = services.tag_items if action == "tag" else services.untag_items
    done = apply(request.user.pk, kind, ids, names)
    label = ", ".join(f"“{name}”" for name in names)
    verb = f"Added {label} to" if action == "tag" else f"Removed {label} from"
    messages.success(request, f"{verb} {_count(info, done)}.")
    return back


def _move(request: HttpRequest, ids: list[int], back: HttpResponse) -> HttpResponse:
    """Bookmarks into one of the user's collections (out of any other); another's collection: 404."""
    raw = request.POST.get("collection", "")
    pk = int(raw) if raw.isdecimal() else 0
    collection = get_object_or_404(Collection, pk=pk, owner_id=request.user.pk)
    done = services.move_to_collection(request.user.pk, collection, ids)
    messages.success(request, f"Moved {done} bookmark{'' if done == 1 else 's'} to “{collection.name}”.")
    return back
