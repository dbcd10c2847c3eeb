"""A conversation socket catches up on messages whose live event was never published.

Found by the fault suite (tests/system/test_redis_faults.py): while the state Redis was frozen, a
gunicorn worker whose layer breaker was open skipped the broadcast of a message it stored, another
worker published a later message, and the socket, having heard the later one, never learnt of the
earlier: a ``sync`` after its last id cannot find a gap below it. The socket's periodic check now
compares the conversation's messages with what it forwarded (``messaging.upkeep``).
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from core.redis.breaker import breaker_for, reset_all_breakers
from messaging import broadcast, services, upkeep
from tests.messaging.conftest import connected, next_event, session_key_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_worker_connections")]

send = database_sync_to_async(services.send_message)


@pytest.fixture(autouse=True)
def quick_checks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MESSAGING_SOCKET_CHECK_SECONDS = 0.2
    monkeypatch.setattr(upkeep, "CATCH_UP_GRACE_SECONDS", 0.3)


def open_the_layer_breaker() -> None:
    breaker = breaker_for(broadcast.LAYER_BREAKER)
    for _ in range(10):
        breaker.record_failure()
    assert not breaker.allow()


async def test_a_message_whose_broadcast_was_skipped_reaches_the_socket_after_a_later_one(
    direct: Any, alice: Any, bob: Any
) -> None:
    socket = await connected(
        f"/ws/messages/{direct.pk}/?after=0", await sync_to_async(session_key_for)(alice)
    )
    assert (await next_event(socket, "sync.complete"))["data"]["last_id"] == 0
    open_the_layer_breaker()
    skipped = await send(bob, direct.pk, "stored while the layer was skipped")
    reset_all_breakers()  # the layer answers again
    later = await send(bob, direct.pk, "published")
    # The later one live, the skipped one at the socket's next check (in either order on a slow machine).
    arrived = {(await next_event(socket, "message.created", timeout=5))["data"]["id"] for _ in range(2)}
    assert arrived == {skipped.pk, later.pk}
    await socket.disconnect()


async def test_a_socket_without_after_is_not_sent_the_history_it_did_not_ask_for(
    direct: Any, alice: Any, bob: Any
) -> None:
    earlier = await send(bob, direct.pk, "before the socket")
    socket = await connected(f"/ws/messages/{direct.pk}/", await sync_to_async(session_key_for)(alice))
    later = await send(bob, direct.pk, "after the socket")
    assert (await next_event(socket, "message.created"))["data"]["id"] == later.pk
    assert later.pk > earlier.pk
    assert await socket.receive_nothing(timeout=1)  # several checks: nothing caught up, no duplicate
    await socket.disconnect()


async def test_a_member_removed_while_the_layer_was_skipped_is_not_caught_up(alice: Any, bob: Any) -> None:
    group = await database_sync_to_async(services.create_group)(bob, "Team", [alice])
    socket = await connected(f"/ws/messages/{group.pk}/?after=0", await sync_to_async(session_key_for)(alice))
    await next_event(socket, "sync.complete")
    open_the_layer_breaker()  # the removal's event to alice's socket is lost
    await database_sync_to_async(services.remove_member)(bob, group.pk, alice.pk)
    await send(bob, group.pk, "after alice left")
    assert await socket.receive_nothing(timeout=1.5)  # several checks: the database says she left
    await socket.disconnect()
