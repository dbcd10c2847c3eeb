"""The messaging WebSocket: live events in, commands out, one socket per browser tab.

``/ws/messages/`` joins the user's own group (notifications, read markers, membership changes) and
can ``subscribe`` to conversations (the inbox does, for its badges). ``/ws/messages/<id>/`` also joins
that conversation at connect and refuses non-members, so history never reaches them; with
``?after=<last id>`` it first replays every message after that id, which is how a reconnecting client
loses nothing. The stack in ``trackeep.asgi`` has already checked the Origin and loaded the session;
here anonymous sockets are closed and every conversation is checked against the database.

Frames from the client are JSON ``{type, conversation_id, data}``: ``message.send``,
``typing.started``/``typing.stopped``, ``reaction.add``/``reaction.remove``, ``read``, ``sync``
(``after`` an id, 0 for the start), ``subscribe`` (``{"conversation_ids": [...]}``, or
``{"all": true}``: the user's 100 most recently active conversations, which every page's socket
listens to for the header's badge), ``ping``. A frame larger than a maximal message needs, or nested
too deeply to parse, gets a ``bad_frame`` error like any malformed one. Sending, reacting and typing
spend the user's rate-limit budgets shared with the HTTP views (``messaging.limits``); a refused frame
gets a ``rate_limited`` error with ``retry_after`` (typing is dropped silently). Every command except
``ping`` first re-checks the session, and ``messaging.upkeep`` re-checks it periodically and joins
the groups again when the layer lost them (then sends ``resync``).

Close codes: 4401 not signed in or session ended, 4404 not a member (or no such conversation).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.prometheus import sockets
from core.redis import keys
from messaging import broadcast, limits, payloads, selectors, services
from messaging.errors import MessagingError
from messaging.text import parse_id
from messaging.upkeep import CLOSE_UNAUTHENTICATED, SocketUpkeep

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
MAX_SUBSCRIPTIONS = 100
FRAME_OVERHEAD_CHARS = 4096


class ClientError(Exception):
    """A bad frame from the client; answered with an ``error`` event, the socket stays open."""


def _int(value: Any, name: str) -> int:
    parsed = parse_id(value)
    if parsed is None:
        raise ClientError(f"{name} must be a positive integer")
    return parsed


def _cursor(value: Any) -> int:
    """A message id to replay after; 0 is the start of the conversation."""
    if value == "0" or (type(value) is int and value == 0):
        return 0
    return _int(value, "after")


def _max_frame_chars() -> int:
    """The longest frame worth parsing: a message body of MESSAGE_MAX_LENGTH characters, each
    escaped (at most 6 characters, ``\\u0000``), with room for the envelope."""
    return 6 * settings.MESSAGE_MAX_LENGTH + FRAME_OVERHEAD_CHARS


@database_sync_to_async
def _send_within_budget(user: Any, conversation_id: int, body: Any, reply_to: int | None) -> Any:
    limits.spend(user.pk, limits.MESSAGES)
    return services.send_message(user, conversation_id, body, reply_to)


@database_sync_to_async
def _react_within_budget(user: Any, message_id: int, emoji: Any, add: bool) -> None:
    limits.spend(user.pk, limits.REACTIONS)
    (services.add_reaction if add else services.remove_reaction)(user, message_id, emoji)


@sync_to_async
def _may_type(user_id: int) -> bool:
    try:
        limits.spend(user_id, limits.TYPING)
    except limits.RateLimited:
        return False
    return True


@database_sync_to_async
def _backfill(conversation_id: int, after_id: int) -> tuple[list[dict[str, Any]], bool]:
    page = selectors.after(conversation_id, after_id)
    return [payloads.message_payload(m) for m in page.messages], page.has_more


class MessagingConsumer(AsyncJsonWebsocketConsumer, SocketUpkeep):
    user: Any
    session_key: str
    conversations: set[int]

    async def connect(self) -> None:
        self.conversations = set()
        self.user = self.scope.get("user")
        session = self.scope.get("session")
        if self.user is None or not self.user.is_authenticated or session is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.session_key = session.session_key or ""
        conversation_id = parse_id(self.scope["url_route"]["kwargs"].get("conversation_id"))
        if conversation_id is not None and not await database_sync_to_async(selectors.is_member)(
            self.user.pk, conversation_id
        ):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join_user_group()
        # A revocation published before the group join above would have been missed: check again.
        if await self.signed_out():
            await self.leave_all_groups()
            return
        if conversation_id is not None:
            # Joined before any history is read, so nothing committed in between can slip through.
            await self.join_conversation(conversation_id)
        await self.accept()
        sockets.opened(self)
        after_id = self._query_after()
        if conversation_id is not None:
            latest = database_sync_to_async(selectors.latest_message_id)
            self.watch(conversation_id, after_id if after_id is not None else await latest(conversation_id))
        self.start_upkeep()
        if conversation_id is not None and after_id is not None:
            await self._replay(conversation_id, after_id)

    def _query_after(self) -> int | None:
        for part in self.scope.get("query_string", b"").decode("latin1").split("&"):
            name, _, value = part.partition("=")
            if name == "after" and (value == "0" or parse_id(value) is not None):
                return int(value)
        return None

    async def disconnect(self, code: int) -> None:
        sockets.closed(self)
        self.stop_upkeep()
        user = getattr(self, "user", None)
        if user is not None and user.is_authenticated:
            await self.leave_all_groups()

    async def _replay(self, conversation_id: int, after_id: int) -> None:
        """Replay the messages after ``after_id`` as ``message.created``, oldest first."""
        messages, has_more = await _backfill(conversation_id, after_id)
        for data in messages:
            message = broadcast.event_message(payloads.envelope("message.created", conversation_id, data))
            self.note_forwarded(message)
            await self.send(text_data=message["text"])
        last = messages[-1]["id"] if messages else after_id
        await self.send_json(
            payloads.envelope("sync.complete", conversation_id, {"last_id": last, "has_more": has_more})
        )

    # --- frames from the client ----------------------------------------------------------------

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        limit = _max_frame_chars()
        if text_data is None or len(text_data) > limit:
            await self._error(None, "bad_frame", f"frames must be JSON text of at most {limit} characters")
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            await self._error(None, "bad_frame", "frames must be JSON objects")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._error(None, "bad_frame", "frames must be JSON objects with a type")
            return
        command = content["type"]
        data = content.get("data") if isinstance(content.get("data"), dict) else {}
        conversation_id = content.get("conversation_id")
        handler = self.COMMANDS.get(command)
        if handler is None:
            await self._error(conversation_id, "unknown_command", f"unknown command {command[:40]!r}")
            return
        if command != "ping" and await self.signed_out():
            return  # every command acts as the user: their session must still be valid
        try:
            await handler(self, conversation_id, data)
        except ClientError as exc:
            await self._error(conversation_id, "bad_frame", str(exc))
        except Http404:
            await self._error(conversation_id, "not_found", "no such conversation or message")
        except PermissionDenied as exc:
            await self._error(conversation_id, "forbidden", str(exc) or "not allowed")
        except MessagingError as exc:
            await self._error(conversation_id, "invalid", exc.message)
        except limits.RateLimited as exc:
            await self._error(conversation_id, "rate_limited", str(exc), retry_after=exc.retry_after)

    async def _error(self, conversation_id: Any, code: str, detail: str, **extra: Any) -> None:
        cid = conversation_id if isinstance(conversation_id, int) else None
        await self.send_json(payloads.envelope("error", cid, {"code": code, "detail": detail, **extra}))

    def _subscribed(self, conversation_id: Any) -> int:
        cid = _int(conversation_id, "conversation_id")
        if cid not in self.conversations:
            raise Http404("not subscribed")
        return cid

    async def _ping(self, conversation_id: Any, data: dict[str, Any]) -> None:
        await self.send_json(payloads.envelope("pong", None, {}))

    async def _subscribe(self, conversation_id: Any, data: dict[str, Any]) -> None:
        raw = data.get("conversation_ids")
        if data.get("all") is True:
            raw = await database_sync_to_async(selectors.listened_conversation_ids)(self.user.pk)
        if not isinstance(raw, list) or len(raw) > MAX_SUBSCRIPTIONS:
            raise ClientError(f"conversation_ids must be a list of at most {MAX_SUBSCRIPTIONS} ids")
        wanted = {_int(value, "conversation_ids") for value in raw}
        allowed = await database_sync_to_async(selectors.member_conversation_ids)(self.user.pk, wanted)
        for cid in sorted(allowed - self.conversations):
            await self.join_conversation(cid)
        await self.send_json(
            payloads.envelope(
                "subscribed", None, {"conversation_ids": sorted(allowed), "refused": sorted(wanted - allowed)}
            )
        )

    async def _sync_command(self, conversation_id: Any, data: dict[str, Any]) -> None:
        await self._replay(self._subscribed(conversation_id), _cursor(data.get("after", 0)))

    async def _send_message(self, conversation_id: Any, data: dict[str, Any]) -> None:
        cid = self._subscribed(conversation_id)
        reply_to = data.get("reply_to")
        message = await _send_within_budget(
            self.user, cid, data.get("body"), _int(reply_to, "reply_to") if reply_to else None
        )
        await self.send_json(
            payloads.envelope("message.sent", cid, {"id": message.pk, "nonce": data.get("nonce")})
        )

    async def _typing(self, conversation_id: Any, data: dict[str, Any], event_type: str) -> None:
        cid = self._subscribed(conversation_id)
        if not await _may_type(self.user.pk):
            return  # an indicator is ephemeral: past the budget it is dropped without an answer
        await broadcast.send_bounded(
            [broadcast.to_conversation(event_type, cid, {"user": payloads.user_ref(self.user)})]
        )

    async def _typing_started(self, conversation_id: Any, data: dict[str, Any]) -> None:
        await self._typing(conversation_id, data, "typing.started")

    async def _typing_stopped(self, conversation_id: Any, data: dict[str, Any]) -> None:
        await self._typing(conversation_id, data, "typing.stopped")

    async def _reaction_add(self, conversation_id: Any, data: dict[str, Any]) -> None:
        self._subscribed(conversation_id)
        message_id = _int(data.get("message_id"), "message_id")
        await _react_within_budget(self.user, message_id, data.get("emoji"), add=True)

    async def _reaction_remove(self, conversation_id: Any, data: dict[str, Any]) -> None:
        self._subscribed(conversation_id)
        message_id = _int(data.get("message_id"), "message_id")
        await _react_within_budget(self.user, message_id, data.get("emoji"), add=False)

    async def _read(self, conversation_id: Any, data: dict[str, Any]) -> None:
        cid = self._subscribed(conversation_id)
        message_id = data.get("message_id")
        await database_sync_to_async(services.mark_read)(
            self.user, cid, _int(message_id, "message_id") if message_id is not None else None
        )

    COMMANDS = {
        "ping": _ping,
        "subscribe": _subscribe,
        "sync": _sync_command,
        "message.send": _send_message,
        "typing.started": _typing_started,
        "typing.stopped": _typing_stopped,
        "reaction.add": _reaction_add,
        "reaction.remove": _reaction_remove,
        "read": _read,
    }

    # --- messages from the channel layer ---------------------------------------------------------

    async def tk_event(self, message: dict[str, Any]) -> None:
        """An event for this socket: forward its frame, serialised once by the sender."""
        self.note_forwarded(message)
        await self.send(text_data=message["text"])

    async def session_revoked(self, message: dict[str, Any]) -> None:
        """Some sessions of this user ended: close if this socket belongs to one of them."""
        if self.session_key in message.get("session_keys", []):
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def membership_removed(self, message: dict[str, Any]) -> None:
        """The user left or was removed: stop listening to that conversation at once."""
        cid = message.get("conversation_id")
        if cid == self._watched:
            self.watch_nothing()
        if cid in self.conversations:
            self.conversations.discard(cid)
            await self.channel_layer.group_discard(keys.conversation_group(cid), self.channel_name)
