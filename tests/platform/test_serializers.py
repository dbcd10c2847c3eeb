"""The stored format: msgpack for plain data, signed pickle for the rest, zlib only for large values.

The cache contract itself (every type, every alias, forged entries) is in test_serializer_contract.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from decimal import Decimal

import msgpack
import pytest
from django.core.cache import caches

from core.redis.client import get_client
from core.redis.serializers import COMPRESS_MIN_BYTES, MSGPACK, SIGNED_PICKLE, dumps, loads

DTO = {
    "when": dt.datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC),
    "day": dt.date(2025, 3, 1),
    "price": Decimal("19.990"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "tags": {"a", "b"},
    "pair": (1, 2),
    "rows": [{"id": 1, "title": "x", "done": False, "at": dt.time(8, 15)}],
}


def raw_key(prefix: str, key: str) -> str:
    return f"{prefix}:1:{key}"


def test_plain_data_is_msgpack_and_round_trips() -> None:
    data = dumps(DTO)
    assert data[:1] == MSGPACK
    assert loads(data) == DTO


def test_utc_datetimes_use_msgpacks_own_timestamp_type() -> None:
    """Decoded in C, and readable by any msgpack client."""
    when = DTO["when"]
    data = dumps([when])
    assert msgpack.unpackb(data[1:], timestamp=3) == [when]


def test_other_objects_are_signed_pickle() -> None:
    named_zone = dt.timezone(dt.timedelta(hours=1), "CET")
    assert dumps(named_zone)[:1] == SIGNED_PICKLE
    assert loads(dumps(named_zone)).tzname(None) == "CET"


@pytest.mark.parametrize("value", [*range(128), True, -1, 2**64, 1.0, "7", b"7"])
def test_no_payload_reads_as_a_raw_integer(value: object) -> None:
    """django-redis decodes a stored value with int() first: only incr/decr counters may parse."""
    with pytest.raises(ValueError):
        int(dumps(value))


def test_values_over_the_threshold_are_stored_zlib_compressed(redis_key_prefix: str) -> None:
    cache = caches["default"]
    big = {"text": "x" * (COMPRESS_MIN_BYTES * 4)}
    cache.set("big", big)
    raw = get_client("cache").get(raw_key(redis_key_prefix, "big"))
    assert len(raw) < COMPRESS_MIN_BYTES  # repetitive text compresses well
    assert loads(zlib.decompress(raw)) == big
    assert cache.get("big") == big


def test_small_values_are_stored_as_plain_msgpack(redis_key_prefix: str) -> None:
    cache = caches["default"]
    small = {"text": "x" * (COMPRESS_MIN_BYTES // 2)}
    cache.set("small", small)
    raw = get_client("cache").get(raw_key(redis_key_prefix, "small"))
    assert raw == dumps(small)
    with pytest.raises(zlib.error):
        zlib.decompress(raw)
