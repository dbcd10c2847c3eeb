"""A sick channel layer must not slow down the requests that publish to it (issue 11, item 4)."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.redis.breaker import OPEN, breaker_for
from messaging import broadcast
from messaging.models import Message
from tests.messaging.conftest import freeze
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.django_db(transaction=True)  # the fan-out runs on commit
FREEZE_SECONDS = 8


def test_sends_during_a_layer_freeze_are_saved_at_once_and_the_breaker_skips_the_layer(
    signed_in: Client, direct: Any, private_layer: RedisProcess, settings: Any, caplog: Any
) -> None:
    url = reverse("messaging:send", args=[direct.pk])
    assert signed_in.post(url, {"body": "before"}, HTTP_ACCEPT="application/json").status_code == 201
    freeze(private_layer, FREEZE_SECONDS)
    took, timed_out = [], []
    with caplog.at_level(logging.WARNING, logger="messaging.broadcast"):
        for index in range(4):
            caplog.clear()
            start = time.monotonic()
            response = signed_in.post(url, {"body": f"frozen {index}"}, HTTP_ACCEPT="application/json")
            took.append(time.monotonic() - start)
            assert response.status_code == 201
            # Sends that gave up at the fan-out's own bound (each request logs its failures once).
            timed_out.append(sum(r.args[0] for r in caplog.records if isinstance(r.args[-1], TimeoutError)))
    assert Message.objects.filter(conversation=direct).count() == 5  # every message is stored
    # The first sends timed out and opened the layer's breaker; then the layer was not even tried.
    assert sum(timed_out) == settings.REDIS_BREAKER_FAILURES and timed_out[-1] == 0, timed_out
    layer_breaker = breaker_for(broadcast.LAYER_BREAKER)
    assert (layer_breaker.state, layer_breaker.times_opened) == (OPEN, 1)
    assert max(took) < 2, took  # behaviour, not a benchmark: the freeze lasts 8 s
