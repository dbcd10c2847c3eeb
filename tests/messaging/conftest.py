"""Fixtures for the messaging tests: users, signed-in sessions, socket communicators, app servers."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from bench.appservers import AppCluster, http_json, migrate
from messaging import services
from tests.factories import make_user
from tests.server_logs import checked_cluster

ORIGIN = "http://127.0.0.1"


def session_key_for(user: Any) -> str:
    """A fresh signed-in session of ``user`` (as after a login on some device)."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def communicator(
    path: str, session_key: str | None = None, origin: str | None = ORIGIN
) -> WebsocketCommunicator:
    """A socket client on the real ASGI stack (origin check, session, auth, routing)."""
    from trackeep.asgi import application

    headers = []
    if origin:
        headers.append((b"origin", origin.encode()))
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def next_event(comm: WebsocketCommunicator, event_type: str, timeout: float = 2) -> dict[str, Any]:
    """The next event of ``event_type``, skipping others (a socket also hears its user's events)."""
    for _ in range(50):
        event = await comm.receive_json_from(timeout=timeout)
        if event["type"] == event_type:
            return dict(event)
    raise AssertionError(f"no {event_type} event")


@pytest.fixture
def alice(db: None) -> Any:
    return make_user(username="alice")


@pytest.fixture
def bob(db: None) -> Any:
    return make_user(username="bob")


@pytest.fixture
def carol(db: None) -> Any:
    return make_user(username="carol")


@pytest.fixture
def direct(alice: Any, bob: Any) -> Any:
    return services.start_direct(alice, bob)


@pytest.fixture
def signed_in(alice: Any) -> Client:
    client = Client()
    client.force_login(alice)
    return client


# --- app server processes ------------------------------------------------------------------------


def socket_headers(cluster: AppCluster, session: str) -> dict[str, str]:
    """What a browser signed in with ``session`` sends when it opens a socket on ``cluster``."""
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Origin": cluster.url(0, "")}


def post_message(
    cluster: AppCluster, index: int, conversation: int, session: str, body: str
) -> dict[str, Any]:
    """Send ``body`` as the composer does (an HTTP POST) through instance ``index``; the new message."""
    status, sent = http_json(cluster.url(index, f"/messages/c/{conversation}/send/"), session, {"body": body})
    assert status == 201, sent
    return dict(sent)


def next_created(socket: Any, timeout: float) -> dict[str, Any]:
    """Frames from a websockets ``socket`` up to a ``message.created`` event (TimeoutError if none)."""
    while True:
        event = json.loads(socket.recv(timeout=timeout))
        if event["type"] == "message.created":
            return dict(event)


def _redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One migrated SQLite file per test session; every cluster starts from a copy."""
    directory = tmp_path_factory.mktemp("tk-template")
    path = migrate(directory / "template.sqlite3", _redis_url(), f"tkt{uuid.uuid4().hex[:12]}")
    yield path
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def app_cluster(migrated_database: Path, redis_key_prefix: str) -> Iterator[AppCluster]:
    """Two Daphne instances sharing the test's Redis prefix and a copy of the migrated database."""
    cluster = AppCluster(redis_url=_redis_url(), key_prefix=redis_key_prefix, template=migrated_database)
    with checked_cluster(cluster):
        yield cluster


@pytest.fixture
def one_app_server(migrated_database: Path, redis_key_prefix: str) -> Iterator[AppCluster]:
    """A single Daphne instance (the idle-socket test needs no second one)."""
    cluster = AppCluster(
        redis_url=_redis_url(), key_prefix=redis_key_prefix, template=migrated_database, instances=1
    )
    with checked_cluster(cluster):
        yield cluster
