"""Cached values keep their types through msgpack, and only large values are zlib-compressed."""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from decimal import Decimal

import pytest
from django.core.cache import caches

from core.redis.client import get_client
from core.redis.serializers import COMPRESS_MIN_BYTES, pack, unpack

VALUE = {
    "when": dt.datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC),
    "local": dt.datetime(2025, 3, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    "day": dt.date(2025, 3, 1),
    "at": dt.time(8, 15, 30),
    "price": Decimal("19.990"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": {"list": [1, "two", 3.5, None, True, {"deep": [Decimal("-0.5")]}], 7: "int key"},
    "bytes": b"\x00\xff",
}


def raw_key(prefix: str, key: str) -> str:
    return f"{prefix}:1:{key}"


def test_round_trip_keeps_every_type_through_redis() -> None:
    cache = caches["default"]
    cache.set("typed", VALUE)
    back = cache.get("typed")
    assert back == VALUE
    assert back["when"].utcoffset() == dt.timedelta(0)
    assert back["local"].utcoffset() == dt.timedelta(hours=2)
    assert type(back["price"]) is Decimal and str(back["price"]) == "19.990"
    assert type(back["day"]) is dt.date and type(back["at"]) is dt.time
    assert isinstance(back["id"], uuid.UUID)


def test_sets_become_sorted_lists() -> None:
    assert unpack(pack({"tags": {"b", "a"}})) == {"tags": ["a", "b"]}


def test_values_over_the_threshold_are_stored_zlib_compressed(redis_key_prefix: str) -> None:
    cache = caches["default"]
    big = {"text": "x" * (COMPRESS_MIN_BYTES * 4)}
    cache.set("big", big)
    raw = get_client("cache").get(raw_key(redis_key_prefix, "big"))
    assert len(raw) < COMPRESS_MIN_BYTES  # repetitive text compresses well
    assert unpack(zlib.decompress(raw)) == big
    assert cache.get("big") == big


def test_small_values_are_stored_as_plain_msgpack(redis_key_prefix: str) -> None:
    cache = caches["default"]
    small = {"text": "x" * (COMPRESS_MIN_BYTES // 2)}
    cache.set("small", small)
    raw = get_client("cache").get(raw_key(redis_key_prefix, "small"))
    assert raw == pack(small)
    with pytest.raises(zlib.error):
        zlib.decompress(raw)


def test_unsupported_objects_raise_type_error() -> None:
    with pytest.raises(TypeError, match="cannot cache a object"):
        caches["default"].set("bad", {"x": object()})
