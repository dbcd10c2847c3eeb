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
    took = []
    with caplog.at_level(logging.WARNING, logger="messaging.broadcast"):
        for index in range(4):
            start = time.monotonic()
            response = signed_in.post(url, {"body": f"frozen {index}"}, HTTP_ACCEPT="application/json")
            took.append(time.monotonic() - start)
            assert response.status_code == 201
    assert Message.objects.filter(conversation=direct).count() == 5  # every message is stored
    # The first sends gave up at the fan-out's own bound; once the breaker opened, the layer was skipped.
    timeouts = [r for r in caplog.records if "timed out" in r.getMessage()]
    assert len(timeouts) == settings.REDIS_BREAKER_FAILURES
    assert breaker_for(broadcast.LAYER_BREAKER).state == OPEN
    assert max(took) < 2, took  # behaviour, not a benchmark: the freeze lasts 8 s
