"""Test-wide fixtures: every test gets its own Redis key prefix, cleaned up afterwards.

Tests run against a real Redis (``REDIS_URL``; ``make test`` starts a private one when unset) and
never flush it: each test's keys, cache entries, sessions and channel-layer groups live under a
fresh prefix that is SCAN-deleted at teardown, so the shared 127.0.0.1:6379 stays untouched.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from core.redis.breaker import BreakerConnection, reset_all_breakers
from tests.factories import make_user, signed_in
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess

HEALTH_CHECK_PING = b"*1\r\n$4\r\nPING\r\n"

# The server processes tests start listen for system events; the test process itself does not (a
# test that needs a listener starts one: core.system_events.subscriber).
django_settings.SYSTEM_EVENTS_LISTEN = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """SQLite test databases live in a file, as in production: an in-memory database shares one
    cache between connections, whose table locks fail at once instead of waiting, so tests that
    race threads against each other (first-run setup) would see errors no deployment sees."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")


@pytest.fixture(autouse=True)
def redis_key_prefix(settings, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    prefix = f"tkt{uuid.uuid4().hex[:12]}"
    # Fast hashing: the suite creates and logs in many users; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests never reach the internet: bookmark metadata is fetched only where a test serves it.
    settings.CONTENT_FETCH_METADATA = False
    settings.READER_FETCH_PAGES = False
    # A message's notifications are written in its request; tests of the job ask for it.
    settings.MESSAGING_NOTIFY_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads never land in the working tree
    caches = copy.deepcopy(django_settings.CACHES)
    for config in caches.values():
        config["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    settings.REDIS_KEY_PREFIX = prefix
    layers = copy.deepcopy(django_settings.CHANNEL_LAYERS)
    if "CONFIG" in layers["default"]:
        layers["default"]["CONFIG"]["prefix"] = f"{prefix}:ch"
    settings.CHANNEL_LAYERS = layers
    reset_all_breakers()
    yield prefix
    reset_all_breakers()
    _delete_prefixed_keys(prefix)


@pytest.fixture(autouse=True)
def fresh_process_memories(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test has a database and a key prefix of its own, so what this process remembers about
    them starts empty too: its copies of the shared revocation tables (accounts.sessions.stale and
    credentials) and the unread hashes Redis missed updates to (messaging.unread)."""
    from accounts.sessions import credentials, redis_db, stale
    from messaging import unread

    monkeypatch.setattr(redis_db, "stale_copies", stale.StaleCopies())
    monkeypatch.setattr(credentials, "credential_changes", credentials.CredentialChanges())
    monkeypatch.setattr(unread, "missed", unread.MissedUpdates())


def _delete_prefixed_keys(prefix: str) -> None:
    import redis

    from core.redis.client import get_client

    try:
        client = get_client("state")
        batch = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if batch:
            client.unlink(*batch)
    except redis.RedisError:
        pass  # a test that stopped Redis on purpose leaves nothing behind to clean


@pytest.fixture
def private_redis_roles(settings, tmp_path: Path) -> Iterator[RedisProcess]:  # type: ignore[no-untyped-def]
    """Cache and state on a redis-server of this test's own, so command counts are exact."""
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        point_roles_at(settings, server.url)
        yield server


@pytest.fixture
def job_redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        yield server


@pytest.fixture
def job_redis_url(job_redis_server: RedisProcess) -> str:
    return job_redis_server.url


@pytest.fixture
def job_redis(settings, job_redis_server: RedisProcess, job_redis_url: str) -> RedisProcess:  # type: ignore[no-untyped-def]
    """The job queue (``RQ_QUEUES``) on a redis-server of this test's own.

    RQ's key prefix is fixed per process, so a per-test prefix cannot keep a test's jobs apart: any
    test that enqueues jobs uses this. ``job_redis_server``/``job_redis_url`` may be overridden.
    """
    settings.RQ_QUEUES = {
        name: {**config, "URL": job_redis_url} for name, config in settings.RQ_QUEUES.items()
    }
    return job_redis_server


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Any]:
    """``with round_trips() as sent:`` collects every packet written to Redis (one per round trip).

    The pool's own health-check PING (sent before a command on a connection idle for longer than
    REDIS_HEALTH_CHECK_INTERVAL, the only PING redis-py sends with ``check_health=False``) is not the
    code under test's round trip and is left out.
    """
    collectors: list[list[bytes]] = []
    original = BreakerConnection.send_packed_command

    def counting(self: BreakerConnection, command: Any, check_health: bool = True) -> None:
        packet = command if isinstance(command, bytes) else b"".join(command)
        if check_health or packet != HEALTH_CHECK_PING:
            for sent in collectors:
                sent.append(packet)
        original(self, command, check_health)

    monkeypatch.setattr(BreakerConnection, "send_packed_command", counting)

    @contextmanager
    def collect() -> Iterator[list[bytes]]:
        sent: list[bytes] = []
        collectors.append(sent)
        try:
            yield sent
        finally:
            collectors.remove(sent)

    return collect


@pytest.fixture
def owner(db: None) -> Any:
    """A user who owns the content under test."""
    return make_user()


@pytest.fixture
def stranger(db: None) -> Any:
    """Another user, who must never see the owner's things."""
    return make_user()


@pytest.fixture
def client_of(owner: Any) -> Any:
    """The owner's signed-in browser."""
    return signed_in(owner)
