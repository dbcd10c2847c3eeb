"""Live updates through the channel layer (real ASGI stack, Redis layer): a challenge page's socket
hears its board change, and a follow reaches the followed person's socket as a notification."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connections
from django.utils import timezone

from community import services
from community.models import Challenge
from content import services as content_services
from messaging.models import Notification
from tests.factories import make_user
from tests.messaging.conftest import communicator, next_event, session_key_for
from timetracking import services as timetracking

pytestmark = pytest.mark.django_db(transaction=True)

login = sync_to_async(session_key_for)
new_user = database_sync_to_async(make_user)


@pytest.fixture(autouse=True)
async def close_worker_connections() -> AsyncIterator[None]:
    yield
    await sync_to_async(connections.close_all)()


@database_sync_to_async
def new_challenge(creator: Any) -> Challenge:
    now = timezone.now()
    return services.create_challenge(
        creator, title="Ten tasks", target="tasks_completed", goal=10,
        starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=1),
    )  # fmt: skip


async def test_the_challenge_socket_hears_progress(settings: Any) -> None:
    alice, bob = await new_user(username="alice"), await new_user(username="bob")
    challenge = await new_challenge(alice)
    await database_sync_to_async(services.join)(bob, challenge)
    comm = communicator(f"/ws/challenges/{challenge.pk}/", await login(bob))
    connected, _ = await comm.connect()
    assert connected

    await database_sync_to_async(content_services.create_task)(alice, title="Run", status="completed")
    event = await next_event(comm, "leaderboard.updated")
    assert event["challenge_id"] == challenge.pk
    assert event["data"] == {"user_id": alice.pk, "progress": 1, "completed": False}
    await comm.disconnect()


async def test_the_challenge_socket_hears_tracked_time() -> None:
    """Time tracking's events feed an hours challenge as content's feed a tasks one: live."""
    alice, bob = await new_user(username="alice"), await new_user(username="bob")
    now = timezone.now()
    challenge = await database_sync_to_async(services.create_challenge)(
        alice, title="Deep work", target="hours_tracked", goal=10,
        starts_at=now - dt.timedelta(hours=3), ends_at=now + dt.timedelta(days=1),
    )  # fmt: skip
    await database_sync_to_async(services.join)(bob, challenge)
    comm = communicator(f"/ws/challenges/{challenge.pk}/", await login(bob))
    connected, _ = await comm.connect()
    assert connected

    await database_sync_to_async(timetracking.start)(alice, now=now - dt.timedelta(minutes=90))
    await database_sync_to_async(timetracking.stop)(alice, now=now)
    event = await next_event(comm, "leaderboard.updated")
    assert event["data"] == {"user_id": alice.pk, "progress": 90, "completed": False}
    await comm.disconnect()


async def test_the_challenge_socket_refuses_strangers_and_unknown_challenges() -> None:
    alice = await new_user()
    challenge = await new_challenge(alice)
    anonymous = communicator(f"/ws/challenges/{challenge.pk}/", None)
    assert await anonymous.connect() == (False, 4401)
    missing = communicator("/ws/challenges/999999/", await login(alice))
    assert await missing.connect() == (False, 4404)


async def test_a_follow_produces_a_live_notification() -> None:
    alice, bob = await new_user(username="alice"), await new_user(username="bob")
    comm = communicator("/ws/messages/", await login(alice))
    connected, _ = await comm.connect()
    assert connected
    assert await database_sync_to_async(services.follow)(bob, alice) is True
    event = await next_event(comm, "notification.created")
    assert event["data"]["text"] == "bob started following you."
    assert await database_sync_to_async(services.follow)(bob, alice) is False  # no second notification
    count = await database_sync_to_async(Notification.objects.filter(user=alice, kind="follow").count)()
    assert count == 1
    await comm.disconnect()
