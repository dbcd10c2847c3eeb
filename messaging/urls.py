"""URL routes of the messaging app (mounted at ``/messages/``)."""

from __future__ import annotations

from django.urls import path

import core.converters  # noqa: F401  (registers <dbid:>)
from messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new_conversation, name="new"),
    path("notes/", views.notes, name="notes"),
    path("counts/", views.counts, name="counts"),
    path("people/", views.people, name="people"),
    path("attachable/", views.attachable, name="attachable"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<dbid:notification_id>/", views.notification_open, name="notification_open"),
    path("c/<dbid:conversation_id>/", views.conversation, name="conversation"),
    path("c/<dbid:conversation_id>/row/", views.inbox_row, name="inbox_row"),
    path("c/<dbid:conversation_id>/send/", views.send, name="send"),
    path("c/<dbid:conversation_id>/messages/", views.messages_json, name="messages"),
    path("c/<dbid:conversation_id>/history/", views.history_fragment, name="history"),
    path("c/<dbid:conversation_id>/read/", views.mark_read, name="read"),
    path("c/<dbid:conversation_id>/members/", views.members, name="members"),
    path(
        "c/<dbid:conversation_id>/members/<dbid:user_id>/remove/", views.remove_member, name="remove_member"
    ),
    path("c/<dbid:conversation_id>/members/<dbid:user_id>/role/", views.set_role, name="set_role"),
    path("c/<dbid:conversation_id>/rename/", views.rename, name="rename"),
    path("c/<dbid:conversation_id>/archive/", views.archive, name="archive"),
    path("c/<dbid:conversation_id>/m/<dbid:message_id>/", views.message_json, name="message"),
    path("c/<dbid:conversation_id>/m/<dbid:message_id>/edit/", views.edit_message, name="edit"),
    path("c/<dbid:conversation_id>/m/<dbid:message_id>/delete/", views.delete_message, name="delete"),
    path("c/<dbid:conversation_id>/m/<dbid:message_id>/react/", views.react, name="react"),
]
