"""A new message's notifications are written by a job after its broadcast (issue 12, "Fan-out").

The POST stores the message and broadcasts it; ``messaging.jobs.notify_about_message`` writes the
notification rows, counts them unread and pushes them live. When the queue refuses the job the
request writes them itself after its commit: no notification is ever lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import jobs
from messaging import services
from messaging.jobs import notify_about_message
from messaging.models import Notification
from tests.factories import make_user
from tests.factories import signed_in as client_for
from tests.jobs.processes import JobProcess, database_url, start, subprocess_env
from tests.messaging.conftest import connected, next_event, session_key_for
from tests.redis_support import point_roles_at
from tests.server_logs import assert_clean_logs
from tools.redis_process import RedisProcess, free_port

pytestmark = pytest.mark.django_db


def post(client: Client, conversation_id: int, body: str) -> int:
    """Send ``body`` as the composer does; the new message's id."""
    response = client.post(
        reverse("messaging:send", args=[conversation_id]), {"body": body}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def unread_notifications(user: Any) -> int:
    return int(client_for(user).get(reverse("messaging:counts")).json()["notifications"])


@pytest.fixture
def dave(db: None) -> Any:
    return make_user(username="dave")


@pytest.fixture
def team(alice: Any, bob: Any, carol: Any, dave: Any) -> Any:
    return services.create_group(bob, "Team", [alice, carol, dave])


def test_the_post_leaves_the_notifications_to_a_job_and_costs_fewer_queries(
    team: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    settings: Any,
    job_redis: RedisProcess,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sender = client_for(bob)
    counts, queued = {}, []
    for in_background in (False, True):
        settings.MESSAGING_NOTIFY_IN_BACKGROUND = in_background
        with django_capture_on_commit_callbacks(execute=True):
            warm_up = post(sender, team.pk, "warm up")  # pending notifications: the update path
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            message_id = post(sender, team.pk, f"hello @carol ({in_background})")
        counts[in_background] = len(queries)
    queued = [warm_up, message_id]
    # Inline, the request reads the pending notifications, updates their count and their text, and
    # creates the mention; with the job it does none of that and writes no notification row.
    assert counts[True] == counts[False] - 4, counts
    assert not Notification.objects.filter(message_id__in=queued).exists()
    assert jobs.get_queue("default").count == 2

    with django_capture_on_commit_callbacks(execute=True):
        for queued_id in queued:  # what a worker does with the queue
            notify_about_message(queued_id)
    rows = Notification.objects.filter(conversation=team, read_at__isnull=True)
    assert sorted(rows.values_list("user__username", "kind", "count", "message_id")) == [
        ("alice", "message", 4, message_id),
        ("carol", "mention", 1, message_id - 2),
        ("carol", "mention", 1, message_id),
        ("carol", "message", 2, warm_up),
        ("dave", "message", 4, message_id),
    ]
    assert unread_notifications(carol) == 3 and unread_notifications(alice) == 1
    page = client_for(alice).get(reverse("messaging:notifications")).content.decode()
    assert "bob wrote in Team" in page and "4 new" in page and "hello @carol (True)" in page


def test_a_job_run_again_or_late_notifies_nobody_twice_and_nobody_who_has_read(
    team: Any, alice: Any, bob: Any, carol: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MESSAGING_NOTIFY_IN_BACKGROUND = True
    # Outside django_capture_on_commit_callbacks nothing runs on commit here: no job is enqueued.
    first = services.send_message(bob, team.pk, "first")
    second = services.send_message(bob, team.pk, "second, the newer")
    services.mark_read(carol, team.pk)  # carol opened the conversation before the jobs ran
    with django_capture_on_commit_callbacks(execute=True):
        notify_about_message(second.pk)  # out of order
        notify_about_message(first.pk)
        notify_about_message(second.pk)  # again, as after a retry
    alices = Notification.objects.get(user=alice, conversation=team)
    assert (alices.count, alices.message_id) == (2, second.pk)  # the entry shows the newer message
    assert not Notification.objects.filter(user=carol).exists()
    assert unread_notifications(alice) == 1 and unread_notifications(carol) == 0


def test_when_the_queue_refuses_the_job_the_request_writes_the_notifications(
    team: Any,
    alice: Any,
    bob: Any,
    settings: Any,
    caplog: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MESSAGING_NOTIFY_IN_BACKGROUND = True
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # refuses every connection
    settings.RQ_QUEUES = {name: {**config, "URL": nobody} for name, config in settings.RQ_QUEUES.items()}
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        message_id = post(client_for(bob), team.pk, "is anyone there?")
    assert "was not enqueued" in caplog.text and "running it here" in caplog.text
    notification = Notification.objects.get(user=alice, message_id=message_id)
    assert notification.text == "bob wrote in Team"
    assert unread_notifications(alice) == 1
    page = client_for(alice).get(reverse("messaging:notifications")).content.decode()
    assert "bob wrote in Team" in page and "is anyone there?" in page


@pytest.fixture
def notification_worker(
    transactional_db: None,
    job_redis: RedisProcess,
    job_redis_url: str,
    redis_key_prefix: str,
    settings: Any,
    tmp_path: Path,
) -> Iterator[JobProcess]:
    """``manage.py jobs_worker`` on the test's database and queue, sharing with this process the
    state Redis (unread counts, sessions: both on the queue's server) and the channel layer."""
    point_roles_at(settings, job_redis_url)
    env = subprocess_env(
        job_redis_url, tmp_path, DATABASE_URL=database_url(), REDIS_KEY_PREFIX=redis_key_prefix
    )
    env["REDIS_CHANNELS_URL"] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"]
    process = start("notification-worker", ("jobs_worker", "--name", "notifications"), env, tmp_path)
    yield process
    process.stop()
    assert_clean_logs({process.name: process.checked_log()})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_worker_connections")
async def test_a_worker_writes_the_notifications_and_pushes_them_live(
    notification_worker: JobProcess, direct: Any, alice: Any, bob: Any, settings: Any
) -> None:
    settings.MESSAGING_NOTIFY_IN_BACKGROUND = True
    socket = await connected("/ws/messages/", await sync_to_async(session_key_for)(alice))
    message = await database_sync_to_async(services.send_message)(bob, direct.pk, "written by the worker")
    event = await next_event(socket, "notification.created", timeout=30)
    assert event["data"]["message_id"] == message.pk
    assert event["data"]["excerpt"] == "written by the worker"
    await socket.disconnect()
    assert await sync_to_async(unread_notifications)(alice) == 1
    reader = await sync_to_async(client_for)(alice)
    page = await sync_to_async(reader.get)(reverse("messaging:notifications"))
    assert "bob sent you a message" in page.content.decode()
