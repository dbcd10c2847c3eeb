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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import DatabaseError

from accounts.authentication import session_user
from core.redis import keys
from core.redis.channels import LAYER_ERRORS
from messaging import payloads

logger = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
REJOINS_PER_EXPIRY = 4
DEFAULT_GROUP_EXPIRY = 86400  # channels' own default, for layers that do not say


@database_sync_to_async
def _signed_in_as(session_key: str) -> int | None:
    user = session_user(session_key)
    return user.pk if user.is_authenticated else None


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
            except (*LAYER_ERRORS, DatabaseError) as error:
                logger.warning("socket upkeep failed (%r); trying again at the next check", error)
