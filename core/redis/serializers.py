"""Serialization and compression of cached values (django-redis ``SERIALIZER``/``COMPRESSOR``).

django-redis's own msgpack serializer is a bare ``msgpack.dumps`` and fails on ``datetime``,
``Decimal`` and ``UUID``. This one maps them to msgpack extension types, so cached DTO dicts keep
their types and no pickle (arbitrary code on load) is involved. Values above
``COMPRESS_MIN_BYTES`` are zlib-compressed; django-redis tells compressed values apart on read, so
the threshold can change on a live cache. Changing the serializer itself needs a new key prefix.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import msgpack
from django_redis.compressors.zlib import ZlibCompressor
from django_redis.serializers.base import BaseSerializer

COMPRESS_MIN_BYTES = 1024

EXT_DATETIME = 1
EXT_DATE = 2
EXT_DECIMAL = 3
EXT_UUID = 4
EXT_TIME = 5


def _default(value: Any) -> msgpack.ExtType:
    if isinstance(value, dt.datetime):
        return msgpack.ExtType(EXT_DATETIME, value.isoformat().encode())
    if isinstance(value, dt.date):
        return msgpack.ExtType(EXT_DATE, value.isoformat().encode())
    if isinstance(value, dt.time):
        return msgpack.ExtType(EXT_TIME, value.isoformat().encode())
    if isinstance(value, Decimal):
        return msgpack.ExtType(EXT_DECIMAL, str(value).encode())
    if isinstance(value, uuid.UUID):
        return msgpack.ExtType(EXT_UUID, value.bytes)
    if isinstance(value, set | frozenset):
        return sorted(value)  # type: ignore[return-value]
    raise TypeError(f"cannot cache a {type(value).__name__}: cache primitives or DTO dicts")


def _ext_hook(code: int, data: bytes) -> Any:
    if code == EXT_DATETIME:
        return dt.datetime.fromisoformat(data.decode())
    if code == EXT_DATE:
        return dt.date.fromisoformat(data.decode())
    if code == EXT_TIME:
        return dt.time.fromisoformat(data.decode())
    if code == EXT_DECIMAL:
        return Decimal(data.decode())
    if code == EXT_UUID:
        return uuid.UUID(bytes=data)
    return msgpack.ExtType(code, data)


def pack(value: Any) -> bytes:
    """Encode ``value`` with Trackeep's msgpack extension types."""
    return msgpack.packb(value, default=_default, use_bin_type=True)


def unpack(data: bytes) -> Any:
    """Decode bytes produced by ``pack``."""
    return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False, strict_map_key=False)


class MsgpackSerializer(BaseSerializer):
    """django-redis serializer: msgpack with ext types for datetime, date, time, Decimal, UUID."""

    def dumps(self, value: Any) -> bytes:
        return pack(value)

    def loads(self, value: bytes) -> Any:
        return unpack(value)


class ThresholdZlibCompressor(ZlibCompressor):
    """zlib, but only for values longer than ``COMPRESS_MIN_BYTES`` (small ones cost more CPU)."""

    min_length = COMPRESS_MIN_BYTES
