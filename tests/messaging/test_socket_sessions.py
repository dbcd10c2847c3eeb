"""An open socket re-checks its session: periodically and before every command (issue 11, item 5).

The sessions here end without the "sessions revoked" message reaching the socket through the channel
layer, as when the layer was down while it was published: only the socket's own checks can notice.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from accounts.sessions.redis_db import SessionStore
from messaging.models import Message
from tests.messaging.conftest import connected, session_key_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_worker_connections")]
CLOSED_SIGNED_OUT = {"type": "websocket.close", "code": 4401}

login = sync_to_async(session_key_for)


async def end_session_silently(session_key: str) -> None:
    """Delete the session (Redis copy and row) without telling any socket."""
    await database_sync_to_async(SessionStore(session_key).delete)()


async def test_a_socket_closes_within_one_check_after_its_session_ends(
    direct: Any, alice: Any, settings: Any
) -> None:
    settings.MESSAGING_SOCKET_CHECK_SECONDS = 0.1
    key = await login(alice)
    socket = await connected(f"/ws/messages/{direct.pk}/", key)
    await end_session_silently(key)
    assert await socket.receive_output(timeout=2) == CLOSED_SIGNED_OUT


async def test_a_command_from_a_socket_whose_session_ended_is_refused(
    direct: Any, alice: Any, settings: Any
) -> None:
    settings.MESSAGING_SOCKET_CHECK_SECONDS = 3600  # no periodic check during the test
    key = await login(alice)
    socket = await connected(f"/ws/messages/{direct.pk}/", key)
    await end_session_silently(key)
    frame = {"type": "message.send", "conversation_id": direct.pk, "data": {"body": "after sign-out"}}
    await socket.send_json_to(frame)
    assert await socket.receive_output(timeout=2) == CLOSED_SIGNED_OUT
    assert not await database_sync_to_async(Message.objects.filter(body="after sign-out").exists)()
