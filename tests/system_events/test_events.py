"""System events in one process, on real redis-servers: local dispatch, delivery to a subscriber, the
claim that makes one process act, reconnection after a Redis restart, and the admin's policy overrides."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from core import system_events
from core.models import RateLimitOverride
from core.ratelimit import overrides, policies
from core.redis import keys
from core.redis.client import get_client
from core.system_events import publisher, registry, subscriber
from tests.factories import make_user
from tests.platform.conftest import wait_until
from tests.redis_support import point_roles_at
from tests.server_logs import checked_redis
from tools.redis_process import RedisProcess

KIND = "test.event"


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[system_events.Event]:
    """A handler of ``KIND`` and a process cache named ``test.cache`` that record what they got."""
    events: list[system_events.Event] = []
    monkeypatch.setattr(registry, "_handlers", {KIND: [events.append]})
    monkeypatch.setattr(
        registry, "_caches", {"test.cache": lambda: events.append(system_events.Event("", "cleared"))}
    )
    return events


@pytest.fixture
def listener(settings: Any) -> Iterator[subscriber.Subscriber]:
    settings.SYSTEM_EVENTS_LISTEN = True
    started = subscriber.start()
    assert started is not None
    wait_until(started.subscribed.is_set)
    yield started
    subscriber.stop()


def from_elsewhere(kind: str, payload: dict[str, Any]) -> int:
    """Publish as another process would (a different origin), straight to the channel."""
    event = system_events.Event(uuid.uuid4().hex, kind, payload, "elsewhere:1:x")
    return int(get_client("state").publish(keys.system_events_channel(), publisher.encode(event)))


def test_publish_runs_the_handlers_here_at_once_and_the_subscriber_ignores_its_own(
    seen: list[system_events.Event], listener: subscriber.Subscriber
) -> None:
    system_events.publish(KIND, {"n": 1})
    assert [(e.kind, e.payload) for e in seen if e.kind == KIND] == [(KIND, {"n": 1})]
    assert from_elsewhere(KIND, {"n": 2}) == 1
    wait_until(lambda: listener.received == 1)
    assert [e.payload for e in seen if e.kind == KIND] == [{"n": 1}, {"n": 2}]  # {"n": 1} once only


def test_cache_invalidation_clears_the_named_caches_or_all(
    seen: list[system_events.Event], listener: subscriber.Subscriber
) -> None:
    seen.clear()  # subscribing cleared it once already
    from_elsewhere(system_events.CACHE_INVALIDATE, {"caches": ["other.cache"]})
    from_elsewhere(system_events.CACHE_INVALIDATE, {"caches": ["test.cache"]})
    from_elsewhere(system_events.CACHE_INVALIDATE, {"caches": []})
    wait_until(lambda: listener.received == 3)
    assert [e.kind for e in seen] == ["cleared", "cleared"]


def test_malformed_messages_are_ignored(
    seen: list[system_events.Event], listener: subscriber.Subscriber
) -> None:
    get_client("state").publish(keys.system_events_channel(), b"not json")
    from_elsewhere(KIND, {"n": 3})
    wait_until(lambda: listener.received == 1)
    assert [e.payload for e in seen if e.kind == KIND] == [{"n": 3}]


def test_one_claim_wins_per_event() -> None:
    event = system_events.Event(uuid.uuid4().hex, KIND, {}, "elsewhere:1:x")
    assert [system_events.claim(event) for _ in range(3)] == [True, False, False]
    assert system_events.claim(system_events.Event(uuid.uuid4().hex, KIND, {}, "x")) is True


@pytest.fixture
def private_redis(settings: Any, tmp_path: Path) -> Iterator[RedisProcess]:
    settings.REDIS_BREAKER_RESET_SECONDS = 0.2
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        point_roles_at(settings, server.url)
        yield server


def test_the_subscriber_survives_a_redis_restart_and_reloads_what_it_may_have_missed(
    private_redis: RedisProcess, seen: list[system_events.Event], listener: subscriber.Subscriber
) -> None:
    assert listener.subscriptions == 1 and [e.kind for e in seen] == ["cleared"]
    private_redis.stop()
    wait_until(lambda: not listener.subscribed.is_set())
    # Published while this process could not listen: lost to it, hence the reload on reconnect.
    private_redis.start()
    wait_until(lambda: listener.subscriptions == 2, timeout=15)
    assert [e.kind for e in seen] == ["cleared", "cleared"]
    from_elsewhere(KIND, {"after": "restart"})
    wait_until(lambda: listener.received == 1)
    assert seen[-1].payload == {"after": "restart"}


def test_publish_without_redis_still_applies_here_and_the_publisher_claims(
    private_redis: RedisProcess, seen: list[system_events.Event]
) -> None:
    private_redis.stop()
    assert system_events.publish(KIND, {"n": 4}) == 0
    assert [e.payload for e in seen if e.kind == KIND] == [{"n": 4}]
    mine = system_events.Event("e1", KIND, {}, publisher.process_origin())
    assert system_events.claim(mine) is True
    assert system_events.claim(system_events.Event("e2", KIND, {}, "elsewhere:1:x")) is False


# --- policy overrides through the admin ---------------------------------------------------------


@pytest.fixture
def staff_client(db: Any) -> Iterator[Client]:
    client = Client()
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    yield client
    policies.reload()  # the rolled-back rows must not stay in this process's table


def test_an_override_saved_in_the_admin_applies_here_and_is_announced(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert policies.get("search").limit == 100
    pubsub = get_client("state").pubsub()
    pubsub.subscribe(keys.system_events_channel())
    assert pubsub.get_message(timeout=1)["type"] == "subscribe"
    form = {"policy": "search", "limit": "3", "window": "30", "note": "incident", "_save": "Save"}
    with django_capture_on_commit_callbacks(execute=True) as announced:
        response = staff_client.post("/admin/core/ratelimitoverride/add/", form)
    assert response.status_code == 302 and len(announced) == 1
    assert (policies.get("search").limit, policies.get("search").window) == (3, 30.0)
    message = pubsub.get_message(timeout=2)
    event = publisher.decode(message["data"])
    assert event is not None and (event.kind, event.payload) == (
        overrides.POLICIES_CHANGED,
        {"policy": "search"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        RateLimitOverride.objects.get().delete()
    assert policies.get("search").limit == 100
    assert publisher.decode(pubsub.get_message(timeout=2)["data"]).kind == overrides.POLICIES_CHANGED  # type: ignore[union-attr]
    pubsub.close()


def test_the_admin_refuses_an_override_its_algorithm_cannot_take(staff_client: Client, settings: Any) -> None:
    form = {"policy": "search", "limit": "0", "window": "60", "_save": "Save"}
    assert staff_client.post("/admin/core/ratelimitoverride/add/", form).status_code == 200
    form = {"policy": "no-such-policy", "limit": "3", "window": "60", "_save": "Save"}
    assert staff_client.post("/admin/core/ratelimitoverride/add/", form).status_code == 200
    assert not RateLimitOverride.objects.exists()


def test_an_override_that_no_longer_fits_is_ignored(db: Any, caplog: pytest.LogCaptureFixture) -> None:
    RateLimitOverride.objects.create(policy="search", limit=5, window=0)
    policies.reload()
    try:
        assert policies.get("search").limit == 100
        assert "override of search ignored" in caplog.text
    finally:
        RateLimitOverride.objects.all().delete()
        policies.reload()


def test_the_middleware_applies_a_reloaded_table_to_the_next_request(
    staff_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user = Client()
    assert user.get("/search/?q=x")["RateLimit-Limit"] == "100"
    with django_capture_on_commit_callbacks(execute=True):
        RateLimitOverride.objects.create(policy="search", limit=2, window=60)
    assert user.get("/search/?q=x")["RateLimit-Limit"] == "2"
    assert user.get("/search/?q=x").status_code == 429


def test_the_refresh_job_rebuilds_every_active_user(db: Any) -> None:
    from analytics.jobs import refresh_all_users

    make_user()
    make_user()
    make_user(is_active=False)
    assert refresh_all_users() == 2
