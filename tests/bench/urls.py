"""Views with a known number of database queries and Redis round trips, for the counters test."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import path

from core.redis.client import get_client


def known_costs(request: HttpRequest) -> HttpResponse:
    """Two queries; one pipeline of three commands and one single command: two round trips."""
    get_user_model().objects.count()
    get_user_model().objects.filter(username="nobody").exists()
    client = get_client("state")
    key = f"{settings.REDIS_KEY_PREFIX}:bench-counters"
    with client.pipeline() as pipe:
        pipe.set(key, 1).incr(key).expire(key, 60).execute()
    client.get(key)
    return HttpResponse("ok")


def broadcast(request: HttpRequest) -> HttpResponse:
    """A channel-layer send from sync code, the way messaging broadcasts (asyncio Redis client)."""
    async_to_sync(get_channel_layer().group_send)("bench.counters", {"type": "noop"})
    return HttpResponse("ok")


urlpatterns = [path("known/", known_costs), path("broadcast/", broadcast)]
