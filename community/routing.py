"""WebSocket routes of the community app (collected by ``trackeep.routing``)."""

from __future__ import annotations

from django.urls import re_path

from community.consumers import ChallengeConsumer

websocket_urlpatterns = [
    re_path(r"^ws/challenges/(?P<challenge_id>[0-9]{1,18})/$", ChallengeConsumer.as_asgi()),
]
