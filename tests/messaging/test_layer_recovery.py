"""Sockets keep hearing after the channel layer's Redis is flushed or restarted (issue 11, items 6, 15).

With the list layer, group memberships live in the layer's Redis and a socket writes its own only
when it joins; with the pub/sub layer, each process's subscriptions live on its connection and end
with it. These tests take them away under open sockets and check that the sockets notice, join
again, tell the client to resync, and then receive what is sent.
"""

from __future__ import annotations

import logging
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

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("close_worker_connections"),
]
# Both layers keep these guarantees (docs/messaging.md, "Which channel layer").
on_both_layers = pytest.mark.parametrize("private_layer", ["pubsub", "lists"], indirect=True)

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


@on_both_layers
async def test_sockets_hear_again_after_the_layer_redis_is_flushed(
    direct: Any, alice: Any, bob: Any, private_layer: RedisProcess
) -> None:
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    await send(bob, direct.pk, "before")
    await next_event(socket, "message.created")
    redis.Redis(port=private_layer.port).flushall()
    await hears_again(socket, direct.pk, bob, alice)
    await socket.disconnect()


@on_both_layers
async def test_sockets_stay_open_through_an_empty_restart_and_hear_again(
    direct: Any, alice: Any, bob: Any, private_layer: RedisProcess
) -> None:
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    restart_empty(private_layer)
    await hears_again(socket, direct.pk, bob, alice)
    await socket.disconnect()


@on_both_layers
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


@pytest.mark.parametrize("private_layer", ["pubsub"], indirect=True)
async def test_a_restart_that_keeps_the_data_ends_subscriptions_quietly_and_sockets_hear_again(
    direct: Any, alice: Any, bob: Any, private_layer: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing is missing from the data, but a pub/sub layer's subscriptions (and whatever was
    published while they were away) went with the connections: redis-py subscribes again, the layer
    notices the reconnect even when its receive loop saw no error (here the test's own loop is
    blocked for the whole restart), and nothing is logged as an error (channels-redis' own receive
    loop logs a traceback every second of an outage). The list layer misses such a restart when its
    receive saw no error (its memberships are still in the data): one reason for pub/sub."""
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    await send(bob, direct.pk, "before")
    await next_event(socket, "message.created")
    private_layer.restart()
    await hears_again(socket, direct.pk, bob, alice)
    await socket.disconnect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
