"""Unread badges agree with the database again after Redis missed their updates (issue 11, item 10)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.redis import keys
from core.redis.breaker import reset_all_breakers
from core.redis.client import get_client
from messaging import services, unread
from tests.redis_support import point_roles_at
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def state_redis(settings: Any, tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(data_dir=tmp_path / "redis").start()
    point_roles_at(settings, server.url, SOCKET_TIMEOUT=0.5, SOCKET_CONNECT_TIMEOUT=0.5)
    yield server
    server.stop()


def miss_three_messages(server: RedisProcess, direct: Any, sender: Any, capture_on_commit: Any) -> None:
    """Three messages are sent while Redis is away; it comes back with its old counts."""
    server.stop()
    with capture_on_commit(execute=True):
        for index in range(3):
            services.send_message(sender, direct.pk, f"while Redis was away {index}")
    server.start()
    reset_all_breakers()  # as when the breaker's period is over


def test_counts_this_process_failed_to_update_are_rebuilt_once_redis_answers(
    direct: Any, alice: Any, bob: Any, state_redis: RedisProcess, django_capture_on_commit_callbacks: Any
) -> None:
    assert unread.get(alice.pk).total == 0  # the hash is built and marked
    miss_three_messages(state_redis, direct, bob, django_capture_on_commit_callbacks)
    counts = unread.get(alice.pk)
    assert (counts.for_conversation(direct.pk), counts.notifications) == (3, 1)


def test_a_reconnecting_client_reconciles_its_badges_with_the_database(
    signed_in: Client, direct: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("messaging:counts")
    assert signed_in.get(url).json()["messages"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            services.send_message(bob, direct.pk, f"message {index}")
    # Increments another process could not make during an outage: the stored hash is behind.
    get_client("state").hset(keys.unread_counts(alice.pk), mapping={str(direct.pk): 0, "n": 0})
    assert signed_in.get(url).json()["messages"] == 0
    reconciled = signed_in.get(url, {"reconcile": "1"}).json()  # what the client asks after a reconnect
    assert reconciled == {"notifications": 1, "messages": 3, "conversations": {str(direct.pk): 3}}
    assert signed_in.get(url).json() == reconciled  # and stored for every later page
