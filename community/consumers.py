"""The challenge WebSocket: ``/ws/challenges/<id>/`` streams one challenge's board changes.

An open challenge page connects here; the socket joins the challenge's group
(``keys.challenge_group``) and forwards each ``leaderboard.updated`` event, on which the page
reloads its board over HTTP (the board depends on who reads it: their own rank). It also joins the
user's own group only to hear that the session ended (then it closes, like the messaging socket).
Challenges are visible to every signed-in user, so the only checks are: signed in, session alive,
the challenge exists. Frames from the client are ignored except ``ping``.

Close codes: 4401 not signed in or session ended, 4404 no such challenge.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from community.models import Challenge
from core.prometheus import sockets
from core.redis import keys

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _challenge_exists(challenge_id: int) -> bool:
    return Challenge.objects.filter(pk=challenge_id).exists()


@database_sync_to_async
def _session_exists(session: Any) -> bool:
    return bool(session.session_key) and bool(session.exists(session.session_key))


class ChallengeConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]
    session_key: str

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        session = self.scope.get("session")
        if user is None or not user.is_authenticated or session is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        challenge_id = int(self.scope["url_route"]["kwargs"]["challenge_id"])
        if not await _challenge_exists(challenge_id):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.session_key = session.session_key or ""
        for group in (keys.user_group(user.pk), keys.challenge_group(challenge_id)):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        if not await _session_exists(session):  # revoked before the group join above
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        sockets.opened(self)

    async def disconnect(self, code: int) -> None:
        sockets.closed(self)
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:  # not JSON: ignored, like any other frame
            return

    async def tk_event(self, message: dict[str, Any]) -> None:
        """Board changes are forwarded; the user's other events belong to the messaging socket."""
        if message.get("event_type") == "leaderboard.updated":
            await self.send(text_data=message["text"])

    async def session_revoked(self, message: dict[str, Any]) -> None:
        if self.session_key in message.get("session_keys", []):
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def membership_removed(self, message: dict[str, Any]) -> None:
        """A messaging control message on the user's group: nothing to do here."""
