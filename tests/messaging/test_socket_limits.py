"""Rate limits on the socket: the same budgets as over HTTP, shared per user across both transports."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from messaging import services
from messaging.models import Message, Reaction
from tests.messaging.conftest import connected, next_event, session_key_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("close_worker_connections")]

login = sync_to_async(session_key_for)
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def small_budgets(settings: Any) -> None:
    settings.RATE_LIMIT_POLICY_OVERRIDES = {
        "messages": {"limit": 3},
        "reactions": {"limit": 2},
        "typing": {"limit": 2},
    }


async def test_socket_sends_and_http_sends_spend_one_budget(direct: Any, alice: Any) -> None:
    browser = Client()
    await sync_to_async(browser.force_login)(alice)
    send_url = reverse("messaging:send", args=[direct.pk])
    for body in ("one", "two"):
        response = await sync_to_async(browser.post)(send_url, {"body": body}, **JSON)
        assert response.status_code == 201
    socket = await connected(f"/ws/messages/{direct.pk}/", browser.cookies["sessionid"].value)
    for index in range(3):
        frame = {"type": "message.send", "conversation_id": direct.pk, "data": {"body": f"ws {index}"}}
        await socket.send_json_to(frame)
    assert (await next_event(socket, "message.sent"))["data"]["id"] > 0
    for _ in range(2):
        refused = await next_event(socket, "error")
        assert refused["data"]["code"] == "rate_limited"
        assert refused["data"]["retry_after"] >= 1
    stored = await database_sync_to_async(list)(
        Message.objects.filter(conversation=direct).order_by("id").values_list("body", flat=True)
    )
    assert stored == ["one", "two", "ws 0"]
    response = await sync_to_async(browser.post)(send_url, {"body": "over HTTP again"}, **JSON)
    assert response.status_code == 429
    assert response.json()["policy"] == "messages"
    await socket.disconnect()


async def test_reactions_are_capped_over_the_socket_and_http(direct: Any, alice: Any, bob: Any) -> None:
    message = await database_sync_to_async(services.send_message)(bob, direct.pk, "react to me")
    socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    for emoji in ("🎉", "👍", "❤️"):
        frame = {"type": "reaction.add", "conversation_id": direct.pk,
                 "data": {"message_id": message.pk, "emoji": emoji}}  # fmt: skip
        await socket.send_json_to(frame)
    assert (await next_event(socket, "error"))["data"]["code"] == "rate_limited"
    count = await database_sync_to_async(Reaction.objects.filter(message=message).count)()
    assert count == 2
    browser = Client()
    await sync_to_async(browser.force_login)(alice)
    react_url = reverse("messaging:react", args=[direct.pk, message.pk])
    response = await sync_to_async(browser.post)(react_url, {"emoji": "😮"}, **JSON)
    assert response.status_code == 429
    await socket.disconnect()


async def test_typing_indicators_beyond_the_budget_are_dropped(direct: Any, alice: Any, bob: Any) -> None:
    alice_socket = await connected(f"/ws/messages/{direct.pk}/", await login(alice))
    bob_socket = await connected(f"/ws/messages/{direct.pk}/", await login(bob))
    for _ in range(5):
        await bob_socket.send_json_to({"type": "typing.started", "conversation_id": direct.pk})
    heard = [await next_event(alice_socket, "typing.started") for _ in range(2)]
    assert {e["data"]["user"]["id"] for e in heard} == {bob.pk}
    await bob_socket.send_json_to({"type": "ping"})
    assert (await next_event(bob_socket, "pong"))["type"] == "pong"  # every frame was handled
    assert await alice_socket.receive_nothing(timeout=0.3)
    await alice_socket.disconnect()
    await bob_socket.disconnect()
