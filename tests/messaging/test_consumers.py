"""The messaging WebSocket on the real ASGI stack with the Redis channel layer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from core.redis import keys
from messaging import broadcast, services
from messaging.consumers import MessagingConsumer
from tests.factories import PASSWORD
from tests.messaging.conftest import ORIGIN, communicator, connected, next_event, session_key_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_worker_connections")]

send = database_sync_to_async(services.send_message)
login = sync_to_async(session_key_for)


async def refusal(path: str, session_key: str | None, origin: str | None = ORIGIN) -> tuple[bool, int]:
    """Try to connect; return what ``connect`` answered, after letting the application finish."""
    comm = communicator(path, session_key, origin=origin)
    answer = await comm.connect()
    await comm.disconnect()
    return answer


async def test_member_receives_message_created(direct: Any, alice: Any, bob: Any) -> None:
    comm = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    message = await send(bob, direct.pk, "hello <b>alice</b>")
    event = await next_event(comm, "message.created")
    assert set(event) == {"type", "conversation_id", "data", "timestamp"}
    assert event["conversation_id"] == direct.pk
    assert event["data"]["id"] == message.pk
    assert event["data"]["body"] == "hello <b>alice</b>"  # raw text: the client inserts it as text
    assert event["data"]["sender"] == {"id": bob.pk, "username": "bob"}
    notification = await next_event(comm, "notification.created")
    assert notification["data"]["text"] == "bob sent you a message"
    await comm.disconnect()


async def test_non_member_is_refused(direct: Any, carol: Any) -> None:
    assert await refusal(f"/ws/messages/{direct.pk}/", await login(carol)) == (False, 4404)
    assert await refusal("/ws/messages/999999/", await login(carol)) == (False, 4404)


async def test_subscribing_to_foreign_conversations_is_refused(direct: Any, carol: Any, alice: Any) -> None:
    comm = await connected("/ws/messages/", await login(carol))
    general = await database_sync_to_async(services.general_channel)()
    await comm.send_json_to({"type": "subscribe", "data": {"conversation_ids": [direct.pk, general.pk]}})
    answer = await next_event(comm, "subscribed")
    assert answer["data"] == {"conversation_ids": [general.pk], "refused": [direct.pk]}
    await send(alice, direct.pk, "not for carol")
    await send(alice, general.pk, "for everyone")
    event = await next_event(comm, "message.created")
    assert event["data"]["body"] == "for everyone"
    await comm.send_json_to({"type": "message.send", "conversation_id": direct.pk, "data": {"body": "x"}})
    assert (await next_event(comm, "error"))["data"]["code"] == "not_found"
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_anonymous_socket_is_closed(direct: Any) -> None:
    assert await refusal(f"/ws/messages/{direct.pk}/", session_key=None) == (False, 4401)
    assert await refusal("/ws/messages/", session_key="not-a-session") == (False, 4401)


@pytest.mark.parametrize("origin", ["http://evil.example", None])
async def test_foreign_or_missing_origin_is_refused(direct: Any, alice: Any, origin: str | None) -> None:
    connected_ok, _ = await refusal(f"/ws/messages/{direct.pk}/", await login(alice), origin=origin)
    assert connected_ok is False


async def test_typing_and_reactions_are_broadcast(direct: Any, alice: Any, bob: Any) -> None:
    alice_socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    bob_socket = await connected(f"/ws/messages/{direct.pk}/", await login(bob))
    await bob_socket.send_json_to({"type": "typing.started", "conversation_id": direct.pk})
    typing = await next_event(alice_socket, "typing.started")
    assert typing["data"]["user"] == {"id": bob.pk, "username": "bob"}
    await bob_socket.send_json_to({"type": "typing.stopped", "conversation_id": direct.pk})
    assert (await next_event(alice_socket, "typing.stopped"))["data"]["user"]["id"] == bob.pk

    await alice_socket.send_json_to(
        {"type": "message.send", "conversation_id": direct.pk, "data": {"body": "react to this"}}
    )
    message_id = (await next_event(bob_socket, "message.created"))["data"]["id"]
    await bob_socket.send_json_to(
        {
            "type": "reaction.add",
            "conversation_id": direct.pk,
            "data": {"message_id": message_id, "emoji": "🎉"},
        }
    )
    added = await next_event(alice_socket, "reaction.added")
    assert added["data"]["reactions"] == [{"emoji": "🎉", "count": 1, "user_ids": [bob.pk]}]
    await bob_socket.send_json_to(
        {
            "type": "reaction.remove",
            "conversation_id": direct.pk,
            "data": {"message_id": message_id, "emoji": "🎉"},
        }
    )
    removed = await next_event(alice_socket, "reaction.removed")
    assert removed["data"] == {"message_id": message_id, "emoji": "🎉", "user_id": bob.pk, "reactions": []}
    await alice_socket.disconnect()
    await bob_socket.disconnect()


async def test_edits_deletes_and_read_markers_are_broadcast(direct: Any, alice: Any, bob: Any) -> None:
    bob_socket = await connected(f"/ws/messages/{direct.pk}/", await login(bob))
    message = await send(alice, direct.pk, "draft")
    await next_event(bob_socket, "message.created")
    await database_sync_to_async(services.edit_message)(alice, message.pk, "final")
    updated = await next_event(bob_socket, "message.updated")
    assert (updated["data"]["body"], updated["data"]["edited_at"] is not None) == ("final", True)
    await bob_socket.send_json_to(
        {"type": "read", "conversation_id": direct.pk, "data": {"message_id": message.pk}}
    )
    read = await next_event(bob_socket, "read.updated")
    assert read["data"]["last_read_message_id"] == message.pk
    await database_sync_to_async(services.delete_message)(alice, message.pk)
    assert (await next_event(bob_socket, "message.deleted"))["data"] == {"id": message.pk}
    await bob_socket.disconnect()


async def test_bad_frames_get_errors_and_the_socket_stays_open(direct: Any, alice: Any) -> None:
    comm = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    await comm.send_to(text_data="not json")
    assert (await next_event(comm, "error"))["data"]["code"] == "bad_frame"
    await comm.send_json_to({"type": "rm -rf"})
    assert (await next_event(comm, "error"))["data"]["code"] == "unknown_command"
    await comm.send_json_to({"type": "message.send", "conversation_id": direct.pk, "data": {"body": " "}})
    assert (await next_event(comm, "error"))["data"]["code"] == "invalid"
    for bad_id in ("x", "\N{SUPERSCRIPT TWO}", 10**30, True, None):
        await comm.send_json_to({"type": "sync", "conversation_id": bad_id})
        assert (await next_event(comm, "error"))["data"]["code"] == "bad_frame"
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from())["type"] == "pong"
    await comm.disconnect()


async def test_a_deeply_nested_frame_is_refused_and_the_socket_stays_open(direct: Any, alice: Any) -> None:
    comm = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    for depth in (100_000, 2_000):
        await comm.send_to(text_data='{"type": "ping", "data": ' + "[" * depth + "]" * depth + "}")
        error = await next_event(comm, "error")
        assert error["data"]["code"] == "bad_frame"
    await comm.send_json_to({"type": "ping"})
    assert (await comm.receive_json_from())["type"] == "pong"
    await comm.disconnect()


async def test_sync_after_zero_replays_the_conversation_from_its_start(
    direct: Any, alice: Any, bob: Any
) -> None:
    sent = [(await send(bob, direct.pk, f"m{i}")).pk for i in range(2)]
    comm = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    await comm.send_json_to({"type": "sync", "conversation_id": direct.pk, "data": {"after": 0}})
    replayed = [await next_event(comm, "message.created") for _ in sent]
    assert [e["data"]["id"] for e in replayed] == sent
    done = await next_event(comm, "sync.complete")
    assert done["data"] == {"last_id": sent[-1], "has_more": False}
    await comm.disconnect()


async def test_reconnect_with_last_id_receives_exactly_the_missed_messages(
    direct: Any, alice: Any, bob: Any
) -> None:
    key = await login(alice)
    comm = await connected(f"/ws/messages/{direct.pk}/", key)
    seen = await send(bob, direct.pk, "before the drop")
    last_id = (await next_event(comm, "message.created"))["data"]["id"]
    assert last_id == seen.pk
    await comm.disconnect()

    missed = [(await send(bob, direct.pk, f"missed {i}")).pk for i in range(3)]

    comm = await connected(f"/ws/messages/{direct.pk}/?after={last_id}", key)
    replayed = [await comm.receive_json_from() for _ in range(3)]
    assert [e["type"] for e in replayed] == ["message.created"] * 3
    assert [e["data"]["id"] for e in replayed] == missed
    assert [e["data"]["body"] for e in replayed] == ["missed 0", "missed 1", "missed 2"]
    done = await comm.receive_json_from()
    assert done["type"] == "sync.complete" and done["data"] == {"last_id": missed[-1], "has_more": False}
    assert await comm.receive_nothing(timeout=0.3)
    await comm.disconnect()


async def test_password_change_on_another_device_closes_the_socket(alice: Any, direct: Any) -> None:
    comm = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    other_device = Client()
    await sync_to_async(other_device.force_login)(alice)
    response = await sync_to_async(other_device.post)(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase 42",
            "password2": "a brand new passphrase 42",
        },
    )
    assert response.status_code == 302
    assert await comm.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    await database_sync_to_async(alice.refresh_from_db)()
    comm = communicator(f"/ws/messages/{direct.pk}/", await login(alice))
    assert (await comm.connect())[0] is True  # a new sign-in with the new password connects
    await comm.disconnect()


async def test_logout_and_revocation_close_only_those_sessions(alice: Any, direct: Any) -> None:
    laptop = Client()
    await sync_to_async(laptop.force_login)(alice)
    phone_key = await login(alice)
    laptop_socket = await connected("/ws/messages/", laptop.cookies["sessionid"].value)
    phone_socket = await connected("/ws/messages/", phone_key)
    await sync_to_async(laptop.post)(reverse("account_logout"))
    assert await laptop_socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    assert await phone_socket.receive_nothing(timeout=0.3)
    await database_sync_to_async(account_services.revoke_sessions)(alice.pk, [phone_key], "revoked")
    assert await phone_socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}


async def test_removed_member_stops_receiving(alice: Any, bob: Any) -> None:
    group = await database_sync_to_async(services.create_group)(alice, "Team", [bob])
    bob_socket = await connected(f"/ws/messages/{group.pk}/", await login(bob))
    await database_sync_to_async(services.remove_member)(alice, group.pk, bob.pk)
    removed = await next_event(bob_socket, "conversation.updated")
    assert removed["data"]["action"] in {"removed", "member_removed"}
    await send(alice, group.pk, "after bob left")
    events = []
    while not await bob_socket.receive_nothing(timeout=0.3):
        events.append(await bob_socket.receive_json_from())
    assert "message.created" not in {e["type"] for e in events}
    await bob_socket.disconnect()


async def test_a_broadcast_to_more_groups_than_pooled_connections_reaches_every_group() -> None:
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(150)]
    for index, channel in enumerate(channels):
        await layer.group_add(keys.user_group(index), channel)
    items = [broadcast.to_user(index, "notification.created", None, {"n": index}) for index in range(150)]
    await sync_to_async(broadcast.send_now)(items)
    received = [await asyncio.wait_for(layer.receive(channel), timeout=2) for channel in channels]
    assert [json.loads(m["text"])["data"]["n"] for m in received] == list(range(150))


async def test_a_page_socket_listens_to_all_its_recent_conversations(
    direct: Any, alice: Any, bob: Any
) -> None:
    """Any page (not only the inbox) hears new messages, so the Messages badge counts live (issue 15)."""
    archived = await database_sync_to_async(services.create_group)(alice, "Old", [bob])
    await database_sync_to_async(services.set_archived)(alice, archived.pk, True)
    comm = await connected("/ws/messages/", await login(alice))
    await comm.send_json_to({"type": "subscribe", "data": {"all": True}})
    answer = await next_event(comm, "subscribed")
    general = await database_sync_to_async(services.general_channel)()
    notes = await database_sync_to_async(services.notes_to_self)(alice)
    assert set(answer["data"]["conversation_ids"]) == {direct.pk, general.pk, notes.pk}
    await send(bob, general.pk, "news for everyone")
    event = await next_event(comm, "message.created")
    assert event["data"]["body"] == "news for everyone"
    await comm.disconnect()


async def test_an_event_is_serialised_once_for_all_the_sockets_of_its_group(
    direct: Any, alice: Any, bob: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sender encodes the frame; each consumer forwards that text (issue 12, "Fan-out")."""
    sockets = [await connected(f"/ws/messages/{direct.pk}/", await login(alice)) for _ in range(3)]
    encoded: list[Any] = []
    original = MessagingConsumer.encode_json

    async def counting(cls: Any, content: Any) -> str:
        encoded.append(content)
        return await original(content)

    monkeypatch.setattr(MessagingConsumer, "encode_json", classmethod(counting))
    message = await send(bob, direct.pk, "one frame for everyone")
    frames = []
    for socket in sockets:
        while '"message.created"' not in (frame := await socket.receive_from(timeout=2)):
            pass
        frames.append(frame)
    assert encoded == []  # no consumer encoded the event again
    assert len(set(frames)) == 1 and json.loads(frames[0])["data"]["id"] == message.pk
    for socket in sockets:
        await socket.disconnect()
