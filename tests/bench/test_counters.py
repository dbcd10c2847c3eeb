"""``bench.counters``: the counting pass's middleware reports each request's queries and round trips."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bench.counters import DB_HEADER, REDIS_HEADER
from core.redis.client import get_client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bench.urls")]


@pytest.fixture
def counted(settings: Any) -> Client:
    # The counting middleware alone: what it reports is then exactly what the views did.
    settings.MIDDLEWARE = ["bench.counters.CountersMiddleware"]
    settings.ALLOWED_HOSTS = ["testserver"]
    return Client()


def test_queries_and_round_trips_of_a_request(counted: Client) -> None:
    get_client("state").connection_pool.disconnect()  # cold whatever ran before in this process
    cold = counted.get("/known/")
    assert cold.status_code == 200
    assert int(cold[REDIS_HEADER]) > 2  # a new connection's handshake is counted too
    response = counted.get("/known/")
    assert response[DB_HEADER] == "2"
    assert response[REDIS_HEADER] == "2"  # the pipeline is one round trip, the GET another


def test_round_trips_from_async_to_sync_are_counted(counted: Client) -> None:
    response = counted.get("/broadcast/")
    assert response[DB_HEADER] == "0"
    assert int(response[REDIS_HEADER]) >= 1


def test_requests_outside_a_counted_request_count_nothing(counted: Client) -> None:
    counted.get("/known/")
    assert counted.get("/broadcast/")[DB_HEADER] == "0"  # no leak from the previous request
