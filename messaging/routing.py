"""WebSocket routes of the messaging app (collected by ``trackeep.routing``)."""

from __future__ import annotations

from django.urls import path, re_path

from messaging.consumers import MessagingConsumer
from messaging.text import ID

websocket_urlpatterns = [
    path("ws/messages/", MessagingConsumer.as_asgi()),
    re_path(rf"^ws/messages/(?P<conversation_id>{ID.pattern})/$", MessagingConsumer.as_asgi()),
]
