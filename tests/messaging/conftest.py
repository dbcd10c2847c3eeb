"""Fixtures for the messaging tests: users, signed-in sessions, socket communicators, app servers."""

from __future__ import annotations

import copy
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client

from bench.appservers import AppCluster, http_json, migrate
from messaging import services
from tests.factories import make_user
from tests.server_logs import checked_cluster
from tools.redis_process import RedisProcess
from trackeep.redis_config import CHANNEL_LAYER_BACKENDS

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

    headers = [(b"host", b"127.0.0.1")]  # as a browser sends it: the origin must match it
    if origin:
        headers.append((b"origin", origin.encode()))
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(path: str, session_key: str | None) -> WebsocketCommunicator:
    """An open socket on ``path`` (the connect must succeed)."""
    comm = communicator(path, session_key)
    ok, code = await comm.connect()
    assert ok, code
    return comm


async def next_event(comm: WebsocketCommunicator, event_type: str, timeout: float = 2) -> dict[str, Any]:
    """The next event of ``event_type``, skipping others (a socket also hears its user's events)."""
    for _ in range(50):
        event = await comm.receive_json_from(timeout=timeout)
        if event["type"] == event_type:
            return dict(event)
    raise AssertionError(f"no {event_type} event")


@pytest.fixture
async def close_worker_connections() -> AsyncIterator[None]:
    """Socket tests run ORM calls in asgiref's worker thread: close its connections after each test
    (with CONN_MAX_AGE they would outlive the test and block dropping the PostgreSQL test database)."""
    yield
    await sync_to_async(connections.close_all)()


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


# --- a channel layer on a redis-server of the test's own ----------------------------------------


def freeze(server: RedisProcess, seconds: float) -> None:
    """Make ``server`` stop answering every client for ``seconds`` (``CLIENT PAUSE ... ALL``)."""
    redis.Redis(port=server.port).execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")


@pytest.fixture
def private_layer(settings: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[RedisProcess]:
    """The channel layer (only) on a private redis-server, which the test may freeze or flush.
    Parametrized indirectly with a ``CHANNEL_LAYER`` kind, the test runs on that layer."""
    server = RedisProcess(data_dir=tmp_path / "layer-redis").start()
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    kind = getattr(request, "param", None)
    if kind is not None:
        layers["default"]["BACKEND"] = CHANNEL_LAYER_BACKENDS[kind]
    config = layers["default"]["CONFIG"]
    config["hosts"] = [{**config["hosts"][0], "address": server.url}]
    settings.CHANNEL_LAYERS = layers
    yield server
    server.stop()


# --- app server processes ------------------------------------------------------------------------


def socket_headers(cluster: AppCluster, session: str) -> dict[str, str]:
    """What a browser signed in with ``session`` sends when it opens a socket on ``cluster``."""
    # The page's origin is the socket's (behind compose's nginx, gunicorn and Daphne share one).
    origin = cluster.ws_url(0, "").replace("ws://", "http://", 1)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Origin": origin}


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
