"""Messaging pages: inbox, conversation, composer, members, notifications, and their JSON twins.

Every page works as plain HTML forms without JavaScript; ``static/js/messaging.js`` adds the live
socket and posts the same forms with ``Accept: application/json`` to get JSON back instead of a
redirect. Views parse and render only: rules live in ``services``, reads in ``selectors``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from content import selectors as content_selectors
from core.redis import prefetch
from messaging import payloads, references, selectors, services, unread
from messaging.context_processors import PREFETCH_NAME
from messaging.errors import MessagingError
from messaging.forms import AddMemberForm, MessageForm, NewConversationForm, RenameForm, RoleForm, SearchForm
from messaging.models import Conversation, Membership, Message
from messaging.text import parse_id

QUICK_REACTIONS = ("👍", "❤️", "😂", "🎉", "😮", "😢")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _conversation_url(conversation_id: int, message_id: int | None = None) -> str:
    url = reverse("messaging:conversation", args=[conversation_id])
    return f"{url}#m-{message_id}" if message_id else url


def _failed(request: HttpRequest, error: MessagingError, back: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": error.message}, status=400)
    flash.error(request, error.message)
    return redirect(back)


def _with_cards(request: HttpRequest, message_list: list[Message]) -> list[dict[str, Any]]:
    cards = references.cards_for_reader(request.user, message_list)
    return [{**payloads.message_payload(m), "cards": cards.get(m.pk, [])} for m in message_list]


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    # Listing changes no count: the hash prefetched with the rate-limit check is current, and the
    # header's badges use the same counts (no round trip of their own).
    counts = unread.get(request.user.pk, prefetched=prefetch.prefetched(request, PREFETCH_NAME))
    page, rows = selectors.inbox(request.user.pk, request.GET.get("page"), archived=archived, counts=counts)
    context = {"page": page, "rows": rows, "archived": archived, "messaging_counts": counts}
    return render(request, "messaging/inbox.html", context)


@login_required
def new_conversation(request: HttpRequest) -> HttpResponse:
    form = NewConversationForm(
        request.POST or None, user=request.user, initial={"usernames": request.GET.get("to", "")[:150]}
    )
    if request.method == "POST" and form.is_valid():
        users = form.cleaned_data["users"]
        try:
            if form.cleaned_data["kind"] == "direct":
                conversation = services.start_direct(request.user, users[0])
            else:
                conversation = services.create_group(request.user, form.cleaned_data["name"], users)
        except MessagingError as error:
            form.add_error(None, error.message)
        else:
            return redirect(_conversation_url(conversation.pk))
    return render(request, "messaging/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def notes(request: HttpRequest) -> HttpResponse:
    return redirect(_conversation_url(services.notes_to_self(request.user).pk))


def _conversation_page(
    request: HttpRequest, membership: Membership, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    conversation = membership.conversation
    search_form = SearchForm(request.GET)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    before = parse_id(request.GET.get("before"))
    page = results = None
    if query:
        results = selectors.search(conversation.pk, query)
        shown = results
    else:
        page = selectors.history(conversation.pk, before)
        shown = page.messages
        if before is None and page.messages and request.method == "GET":
            services.mark_read(request.user, conversation.pk, page.last_id)
    reply_to = None
    reply_id = parse_id(request.GET.get("reply_to") or (form.data.get("reply_to") if form else None))
    if reply_id:
        reply_to = Message.objects.filter(
            pk=reply_id, conversation=conversation, deleted_at__isnull=True
        ).first()
    if form is None:
        form = MessageForm(
            initial={"reply_to": reply_to.pk if reply_to else None, "refs": request.GET.get("ref", "")[:200]}
        )
    context = {
        "conversation": conversation,
        "membership": membership,
        "title": selectors.title_for(request.user.pk, conversation),
        "page": page,
        "results": results,
        "query": query,
        "search_form": search_form,
        "shown": shown,
        "cards": references.cards_for_reader(request.user, shown),
        "form": form,
        "reply_to": reply_to,
        "quick_reactions": QUICK_REACTIONS,
        "max_length": settings.MESSAGE_MAX_LENGTH,
        "last_id": page.last_id if page and page.last_id else 0,
    }
    return render(request, "messaging/conversation.html", context, status=status)


@login_required
@require_GET
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    membership = selectors.membership_or_404(request.user.pk, conversation_id)
    return _conversation_page(request, membership)


@login_required
@require_POST
def send(request: HttpRequest, conversation_id: int) -> HttpResponse:
    membership = selectors.membership_or_404(request.user.pk, conversation_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.send_message(
                request.user,
                conversation_id,
                form.cleaned_data["body"],
                reply_to_id=form.cleaned_data.get("reply_to"),
                refs=form.cleaned_data["refs"],
            )
        except MessagingError as error:
            form.add_error("body", error.message)
        else:
            if _wants_json(request):
                return JsonResponse(_with_cards(request, [message])[0], status=201)
            return redirect(_conversation_url(conversation_id, message.pk))
    if _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return _conversation_page(request, membership, form=form, status=400)


@login_required
@require_GET
def messages_json(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """``?after=<id>``: the messages after an id (the reconnect backfill), oldest first;
    ``?before=<id>`` or nothing: the page of history before an id (or the newest page)."""
    selectors.membership_or_404(request.user.pk, conversation_id)
    after_param = request.GET.get("after")
    if after_param is not None:
        after_id = 0 if after_param == "0" else parse_id(after_param)
        if after_id is None:
            return JsonResponse({"error": "after must be a message id"}, status=400)
        page = selectors.after(conversation_id, after_id)
    else:
        page = selectors.history(conversation_id, parse_id(request.GET.get("before")))
    return JsonResponse({"messages": _with_cards(request, page.messages), "has_more": page.has_more})


@login_required
@require_GET
def history_fragment(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Older messages as HTML, for the infinite scroll upwards."""
    membership = selectors.membership_or_404(request.user.pk, conversation_id)
    page = selectors.history(conversation_id, parse_id(request.GET.get("before")))
    context = {
        "conversation": membership.conversation,
        "membership": membership,
        "page": page,
        "shown": page.messages,
        "cards": references.cards_for_reader(request.user, page.messages),
        "quick_reactions": QUICK_REACTIONS,
    }
    return render(request, "messaging/_history.html", context)


@login_required
@require_GET
def message_json(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    selectors.membership_or_404(request.user.pk, conversation_id)
    message = selectors.message_in_conversation_or_404(conversation_id, message_id)
    return JsonResponse(_with_cards(request, [message])[0])


@login_required
def edit_message(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    membership = selectors.membership_or_404(request.user.pk, conversation_id)
    message = selectors.message_in_conversation_or_404(conversation_id, message_id)
    if message.sender_id != request.user.pk or message.is_deleted:
        raise Http404("No such message.")
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            message = services.edit_message(request.user, message.pk, form.cleaned_data["body"])
        except MessagingError as error:
            form.add_error("body", error.message)
        else:
            if _wants_json(request):
                return JsonResponse(_with_cards(request, [message])[0])
            return redirect(_conversation_url(conversation_id, message.pk))
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    context = {"conversation": membership.conversation, "message": message, "form": form}
    return render(request, "messaging/edit_message.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete_message(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    selectors.membership_or_404(request.user.pk, conversation_id)
    message = selectors.message_in_conversation_or_404(conversation_id, message_id)
    services.delete_message(request.user, message.pk)
    if _wants_json(request):
        return JsonResponse({"id": message.pk, "deleted": True})
    flash.success(request, "Message deleted.")
    return redirect(_conversation_url(conversation_id))


@login_required
@require_POST
def react(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    selectors.membership_or_404(request.user.pk, conversation_id)
    message = selectors.message_in_conversation_or_404(conversation_id, message_id)
    back = _conversation_url(conversation_id, message.pk)
    try:
        present = services.toggle_reaction(request.user, message.pk, request.POST.get("emoji", ""))
    except MessagingError as error:
        return _failed(request, error, back)
    if _wants_json(request):
        return JsonResponse({"message_id": message.pk, "reacted": present})
    return redirect(back)


@login_required
@require_POST
def mark_read(request: HttpRequest, conversation_id: int) -> HttpResponse:
    left = services.mark_read(request.user, conversation_id, parse_id(request.POST.get("message_id")))
    if _wants_json(request):
        return JsonResponse({"unread": left})
    return redirect(_conversation_url(conversation_id))


@login_required
def members(request: HttpRequest, conversation_id: int) -> HttpResponse:
    membership = selectors.membership_or_404(request.user.pk, conversation_id)
    conversation = membership.conversation
    form = AddMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_member(request.user, conversation_id, form.cleaned_data["username"])
        except MessagingError as error:
            form.add_error(None, error.message)
        else:
            user = form.cleaned_data["username"]
            if added:
                flash.success(request, f"{user.username} was added.")
            else:
                flash.info(request, f"{user.username} is already a member.")
            return redirect("messaging:members", conversation_id)
    rows = selectors.members(conversation_id) if conversation.kind != Conversation.Kind.CHANNEL else []
    context = {
        "conversation": conversation,
        "membership": membership,
        "title": selectors.title_for(request.user.pk, conversation),
        "members": rows,
        "member_count": len(rows) if rows else selectors.member_count(conversation_id),
        "form": form,
        "rename_form": RenameForm(initial={"name": conversation.name}),
        "roles": Membership.Role.choices,
    }
    return render(request, "messaging/members.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def remove_member(request: HttpRequest, conversation_id: int, user_id: int) -> HttpResponse:
    try:
        services.remove_member(request.user, conversation_id, user_id)
    except MessagingError as error:
        return _failed(request, error, reverse("messaging:members", args=[conversation_id]))
    if user_id == request.user.pk:
        flash.success(request, "You left the conversation.")
        return redirect("messaging:inbox")
    flash.success(request, "Member removed.")
    return redirect("messaging:members", conversation_id)


@login_required
@require_POST
def set_role(request: HttpRequest, conversation_id: int, user_id: int) -> HttpResponse:
    back = reverse("messaging:members", args=[conversation_id])
    selectors.membership_or_404(
        request.user.pk, conversation_id
    )  # a stranger learns nothing, not even the form
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _failed(request, MessagingError("Pick a role."), back)
    try:
        services.set_role(request.user, conversation_id, user_id, form.cleaned_data["role"])
    except MessagingError as error:
        return _failed(request, error, back)
    flash.success(request, "Role changed.")
    return redirect(back)


@login_required
@require_POST
def rename(request: HttpRequest, conversation_id: int) -> HttpResponse:
    back = reverse("messaging:members", args=[conversation_id])
    selectors.membership_or_404(request.user.pk, conversation_id)
    form = RenameForm(request.POST)
    try:
        if not form.is_valid():
            raise MessagingError("Give the group a name of at most 100 characters.")
        services.rename(request.user, conversation_id, form.cleaned_data["name"])
    except MessagingError as error:
        return _failed(request, error, back)
    flash.success(request, "Group renamed.")
    return redirect(back)


@login_required
@require_POST
def archive(request: HttpRequest, conversation_id: int) -> HttpResponse:
    archived = request.POST.get("archived") != "0"
    services.set_archived(request.user, conversation_id, archived)
    flash.success(request, "Conversation archived." if archived else "Conversation restored.")
    return redirect(_conversation_url(conversation_id))


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = selectors.notifications(request.user.pk, request.GET.get("page"))
    return render(request, "messaging/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    raw_ids = request.POST.getlist("id")
    ids = [n for n in (parse_id(v) for v in raw_ids) if n is not None] if raw_ids else None
    conversation_id = parse_id(request.POST.get("conversation"))
    marked = services.mark_notifications_read(request.user, ids, conversation_id=conversation_id)
    if _wants_json(request):
        return JsonResponse({"marked": marked})
    if marked:
        flash.success(request, f"Marked {marked} notification{pluralize(marked)} as read.")
    return redirect("messaging:notifications")


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it leads: a POST, since it changes state (a GET
    could be fired by a prefetch, a crawler or an <img> on another page)."""
    return redirect(services.open_notification(request.user, notification_id))


@login_required
@require_GET
def counts(request: HttpRequest) -> HttpResponse:
    """The header badges' numbers; ``?reconcile=1`` (the client after a reconnect or a ``resync``
    event) recomputes them from the database first."""
    found = selectors.counts(request.user.pk, reconcile=request.GET.get("reconcile") == "1")
    return JsonResponse(
        {
            "notifications": found.notifications,
            "messages": found.total,
            "conversations": {str(k): v for k, v in found.conversations.items()},
        }
    )


@login_required
@require_GET
def inbox_row(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One inbox row, for a conversation that appears while the inbox is open."""
    row = selectors.inbox_row(request.user.pk, conversation_id)
    return render(request, "messaging/_inbox_row.html", {"row": row})


PICKER_QUERY_MAX = 100


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """``?q=``: people to start a conversation with or add to a group, as picker options."""
    text = request.GET.get("q", "").strip()[:PICKER_QUERY_MAX]
    users = selectors.people_matching(request.user.pk, text) if text else []
    return JsonResponse({"results": [_person(user) for user in users]})


def _person(user: Any) -> dict[str, str]:
    label = f"{user.username} · {user.full_name}" if user.full_name else user.username
    return {"value": user.username, "label": label}


@login_required
@require_GET
def attachable(request: HttpRequest) -> HttpResponse:
    """``?q=``: your own bookmarks, tasks and notes by title, as ``kind:id`` picker options."""
    text = request.GET.get("q", "").strip()[:PICKER_QUERY_MAX]
    items = content_selectors.items_titled(request.user.pk, text) if text else []
    results = [
        {"value": f"{kind}:{pk}", "label": f"{kind.capitalize()} · {title}"} for kind, pk, title in items
    ]
    return JsonResponse({"results": results})
