"""Sockets keep hearing after the channel layer's Redis is flushed or restarted (issue 11, items 6, 15).

Group memberships live in the layer's Redis; a socket writes its own only when it joins. These tests
take the memberships away under open sockets and check that the sockets notice, join again, tell the
client to resync, and then receive what is sent.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from messaging import services
from messaging.models import Notification
from tests.messaging.conftest import communicator, connected, next_event, session_key_for
from tools.redis_process import RedisProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_worker_connections")]

login = sync_to_async(session_key_for)
send = database_sync_to_async(services.send_message)


@pytest.fixture(autouse=True)
def quick_checks(settings: Any) -> None:
    settings.MESSAGING_SOCKET_CHECK_SECONDS = 0.2


def restart_empty(server: RedisProcess) -> None:
    """Stop the server and start it again on the same port with no data at all."""
    server.stop()
    assert server.data_dir is not None
    shutil.rmtree(server.data_dir)
    server.start()


async def hears_again(socket: Any, conversation_id: int, sender: Any, receiver: Any) -> None:
    await next_event(socket, "resync", timeout=5)  # the socket noticed, joined again, told the client
    sent = await send(sender, conversation_id, "after the loss")
    assert (await next_event(socket, "message.created"))["data"]["id"] == sent.pk
    notified = await database_sync_to_async(services.notify)(
        receiver.pk, Notification.Kind.FOLLOW, f"{sender.username} follows you"
    )
    while (await next_event(socket, "notification.created"))["data"]["id"] != notified.pk:
        pass  # the message's own notification comes first; the user's group delivers both


async def test_sockets_hear_again_after_the_layer_redis_is_flushed(
    direct: Any, alice: Any, bob: Any, private_layer: RedisProcess
) -> None:
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    await send(bob, direct.pk, "before")
    await next_event(socket, "message.created")
    redis.Redis(port=private_layer.port).flushall()
    await hears_again(socket, direct.pk, bob, alice)
    await socket.disconnect()


async def test_sockets_stay_open_through_an_empty_restart_and_hear_again(
    direct: Any, alice: Any, bob: Any, private_layer: RedisProcess
) -> None:
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    restart_empty(private_layer)
    await hears_again(socket, direct.pk, bob, alice)
    await socket.disconnect()


async def test_the_first_handshake_after_a_layer_restart_succeeds(
    direct: Any, alice: Any, private_layer: RedisProcess
) -> None:
    key = await login(alice)
    first = await connected(f"/ws/messages/{direct.pk}/", key)
    await first.disconnect()
    private_layer.restart()  # the pooled connections of this event loop are now dead
    second = communicator(f"/ws/messages/{direct.pk}/", key)
    assert await second.connect() == (True, None)
    await second.disconnect()
