"""The breaker-state gauge per Redis role and the channel-layer send counter, in this process."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from prometheus_client import REGISTRY

from core.prometheus import breakers
from core.redis.breaker import breaker_for
from core.redis.channels import LAYER_BREAKER
from messaging.broadcast import Outgoing, send_bounded


def state_of(role: str) -> float | None:
    return REGISTRY.get_sample_value("trackeep_redis_breaker_state", {"role": role})


def sends(outcome: str) -> float:
    return REGISTRY.get_sample_value("trackeep_channel_layer_sends_total", {"outcome": outcome}) or 0.0


def test_the_gauge_follows_each_roles_breaker_through_open_half_open_and_closed(settings: Any) -> None:
    settings.REDIS_BREAKER_FAILURES = 1
    settings.REDIS_BREAKER_RESET_SECONDS = 0  # open, then half-open at the next attempt
    url = urlsplit(django_settings.CACHES["state"]["LOCATION"])
    server = breaker_for(f"{url.hostname}:{url.port or 6379}")
    assert breakers.roles_of(server.name) == ["cache", "state"]  # one server carries both here
    assert state_of("state") == 0
    server.record_failure()
    assert (state_of("cache"), state_of("state")) == (2, 2)
    assert server.allow()
    assert state_of("state") == 1
    server.record_success()
    assert state_of("state") == 0
    layer = breaker_for(LAYER_BREAKER)
    layer.record_failure()
    assert (state_of("channels"), state_of("state")) == (2, 0)


def test_channel_layer_sends_are_counted_by_outcome(settings: Any) -> None:
    settings.REDIS_BREAKER_FAILURES = 1
    settings.REDIS_BREAKER_RESET_SECONDS = 60
    before_ok, before_skipped = sends("ok"), sends("breaker_open")
    item = Outgoing("metrics-test", {"type": "tk.event", "event": {}})
    async_to_sync(send_bounded)([item, item])
    assert sends("ok") == before_ok + 2
    breaker_for(LAYER_BREAKER).record_failure()
    async_to_sync(send_bounded)([item])
    assert (sends("ok"), sends("breaker_open")) == (before_ok + 2, before_skipped + 1)
