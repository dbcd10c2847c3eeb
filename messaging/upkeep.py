"""What keeps a long-lived messaging socket honest while it stays open.

A socket outlives the checks made at its handshake. ``SocketUpkeep`` (mixed into the consumer) adds:

- **Its session, checked again**: every ``MESSAGING_SOCKET_CHECK_SECONDS`` and before every command
  the client sends, with ``accounts.authentication.session_user`` (the Redis copy or the database
  row, the shared stale list, the session auth hash: what a request would see). A session that ended
  closes the socket with 4401, even when the "sessions revoked" message through the channel layer was
  lost because the layer was down when it was published.
- **Its groups, joined again**: when the layer's ``membership_epoch`` moves (its Redis was flushed,
  restarted empty or reconnected, so memberships may be gone; ``core.redis.channels``), and in any
  case every ``1 / REJOINS_PER_EXPIRY`` of the layer's group expiry, after which channels-redis drops
  a member. After a loss the client is sent ``resync``: it asks for what it missed (``sync``) and
  reconciles its unread badges with the database.
- **Its conversation, caught up**: a socket opened on a conversation (``/ws/messages/<id>/``) notes
  the ids of the messages it forwarded, and at every check asks the database for that conversation's
  messages above its checkpoint that are older than ``CATCH_UP_GRACE_SECONDS`` (while the user is
still a member: a removal whose event was lost stops it too); any it did not forward
  are sent now as ``message.created``, and the checkpoint moves past them. A message whose live event
  was never published (the publishing process's layer breaker was open, the send timed out) therefore
  reaches the socket within one check, even when later messages did arrive live, which a ``sync``
  after the client's last id would not repair. A message can arrive twice (live, late, after its
  catch-up): the client ignores ids it already shows. A message committed more than the grace after
  its creation time, behind a newer one already past the checkpoint, is not caught up this way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from accounts.authentication import session_user
from core.redis import keys
from core.redis.channels import LAYER_ERRORS
from messaging import payloads, selectors

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
REJOINS_PER_EXPIRY = 4
DEFAULT_GROUP_EXPIRY = 86400  # channels' own default, for layers that do not say
# A message created this long ago has had its live event, if it was published: catching it up
# earlier would mostly send duplicates of events still on their way.
CATCH_UP_GRACE_SECONDS = 3.0


@database_sync_to_async
def _signed_in_as(session_key: str) -> int | None:
    user = session_user(session_key)
    return user.pk if user.is_authenticated else None


@database_sync_to_async
def _not_forwarded(
    user_id: int, conversation_id: int, checkpoint: int, forwarded: frozenset[int]
) -> tuple[int, list[dict[str, Any]]] | None:
    """The new checkpoint and the payloads of the settled messages above ``checkpoint`` that are not
    among ``forwarded``; None when the user is no longer a member."""
    if not selectors.is_member(user_id, conversation_id):
        return None
    settled = timezone.now() - timedelta(seconds=CATCH_UP_GRACE_SECONDS)
    ids = selectors.settled_ids_after(conversation_id, checkpoint, settled)
    missed = selectors.messages_by_ids(i for i in ids if i not in forwarded)
    return (ids[-1] if ids else checkpoint), [payloads.message_payload(m) for m in missed]


class SocketUpkeep:
    """Mixin for an ``AsyncJsonWebsocketConsumer`` (listed after it): session re-checks and
    group re-joins. Uses the consumer's ``send_json``, ``close``, ``channel_layer`` and ``channel_name``."""

    channel_layer: Any
    channel_name: str
    user: Any
    session_key: str
    conversations: set[int]
    _epoch = 0
    _joined_at = 0.0
    _upkeep: asyncio.Task[None] | None = None
    _watched: int | None = None  # the conversation this socket was opened on
    _checkpoint = 0  # every message of it up to this id reached the socket
    _forwarded: set[int]  # ids above the checkpoint that were sent to the client

    # --- the conversation -----------------------------------------------------------------------

    def watch(self, conversation_id: int, after_id: int) -> None:
        """Catch this socket up on ``conversation_id``'s messages above ``after_id`` (see above)."""
        self._watched, self._checkpoint, self._forwarded = conversation_id, after_id, set()

    def watch_nothing(self) -> None:
        """Stop catching up (the user left the conversation)."""
        self._watched = None

    def note_forwarded(self, message: dict[str, Any]) -> None:
        """Remember a ``message.created`` of the watched conversation that went to the client (from
        the layer message's ``conversation_id`` and ``message_id``: its frame is not parsed again)."""
        if (
            self._watched is not None
            and message.get("event_type") == "message.created"
            and message.get("conversation_id") == self._watched
        ):
            self._forwarded.add(int(message["message_id"]))

    async def _catch_up(self) -> None:
        if self._watched is None:
            return
        found = await _not_forwarded(
            self.user.pk, self._watched, self._checkpoint, frozenset(self._forwarded)
        )
        if found is None:  # removed from the conversation (its "removed" event may have been lost)
            self._watched = None
            return
        checkpoint, missed = found
        for data in missed:
            await self.send_json(payloads.envelope("message.created", self._watched, data))
        self._checkpoint = checkpoint
        self._forwarded = {i for i in self._forwarded if i > checkpoint}

    # --- the session ----------------------------------------------------------------------------

    async def signed_out(self) -> bool:
        """Has this socket's session ended (or changed hands)? If so, the socket is closed."""
        if await _signed_in_as(self.session_key) == self.user.pk:
            return False
        await self.close(code=CLOSE_UNAUTHENTICATED)
        return True

    # --- group memberships ----------------------------------------------------------------------

    async def join_user_group(self) -> None:
        """Join the user's own group, noting the layer's epoch first (a loss after it is seen)."""
        self._epoch = await self._membership_epoch()
        self._joined_at = time.monotonic()
        await self.channel_layer.group_add(keys.user_group(self.user.pk), self.channel_name)

    async def join_conversation(self, conversation_id: int) -> None:
        await self.channel_layer.group_add(keys.conversation_group(conversation_id), self.channel_name)
        self.conversations.add(conversation_id)

    async def leave_all_groups(self) -> None:
        """Leave every group; a layer that is away forgets the memberships by their expiry anyway."""
        groups = [keys.user_group(self.user.pk)] + [keys.conversation_group(c) for c in self.conversations]
        with contextlib.suppress(*LAYER_ERRORS):
            for group in groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def _membership_epoch(self) -> int:
        epoch = getattr(self.channel_layer, "membership_epoch", None)
        return await epoch(settings.MESSAGING_SOCKET_CHECK_SECONDS) if epoch else 0

    async def _rejoin_if_due(self) -> None:
        epoch = await self._membership_epoch()
        expiry = getattr(self.channel_layer, "group_expiry", DEFAULT_GROUP_EXPIRY)
        lost = epoch != self._epoch
        if not lost and time.monotonic() - self._joined_at < expiry / REJOINS_PER_EXPIRY:
            return
        await self.channel_layer.group_add(keys.user_group(self.user.pk), self.channel_name)
        for conversation_id in sorted(self.conversations):
            await self.join_conversation(conversation_id)
        self._epoch, self._joined_at = epoch, time.monotonic()
        if lost:
            await self.send_json(payloads.envelope("resync", None, {}))

    # --- the loop -------------------------------------------------------------------------------

    def start_upkeep(self) -> None:
        self._upkeep = asyncio.ensure_future(self._keep_up())

    def stop_upkeep(self) -> None:
        if self._upkeep is not None:
            self._upkeep.cancel()

    async def _keep_up(self) -> None:
        while True:
            await asyncio.sleep(settings.MESSAGING_SOCKET_CHECK_SECONDS)
            try:
                if await self.signed_out():
                    return
                await self._rejoin_if_due()
                await self._catch_up()
            except (*LAYER_ERRORS, DatabaseError) as error:
                logger.warning("socket upkeep failed (%r); trying again at the next check", error)
