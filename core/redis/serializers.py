"""Serialization and compression of cached values (django-redis ``SERIALIZER``/``COMPRESSOR``).

Django's cache contract: any picklable value comes back from ``get`` equal and of the same type.
Plain pickle would keep it, but a value forged by anyone who can write to Redis would then run code
on load. So a payload is one of two formats, told apart by its first byte:

- ``M`` + msgpack, for values built only from exact built-in types: ``None``, ``bool``, ``int``,
  ``float``, ``str``, ``bytes``, ``list``, ``dict`` natively, and as extension types ``tuple``,
  ``set``, ``frozenset``, ``date``, ``time``, ``timedelta``, ``Decimal``, ``UUID``, ints beyond 64
  bits, ``SafeString`` (template fragments) and ``datetime``: UTC ones as msgpack's own timestamp
  (decoded in C), naive, fixed-offset and ``ZoneInfo`` ones as ISO 8601 with an RFC 9557 ``[zone]``
  suffix. Dict keys may be any of these (tuple keys included). The cached DTO dicts of the hot
  pages (dashboard, search, profile, sessions) all take this path.
- ``P`` + HMAC-SHA256 + pickle, for everything else: subclasses (``IntEnum``, ``OrderedDict``,
  named tuples), enums, dataclasses, model instances, ``HttpResponse`` (``cache_page``), other or
  named time zones, a ``fold=1`` time, self-referencing structures. The HMAC key is derived from
  ``SECRET_KEY`` with a salt (``salted_hmac``; ``SECRET_KEY_FALLBACKS`` are accepted while keys
  rotate). A payload whose signature does not verify is never unpickled.

A payload that cannot be decoded (unknown first byte, bad signature, corrupt data, a class that no
longer imports) raises ``UndecodableEntry`` after a warning naming only the reason, never the value;
``core.redis.cache_clients`` turns that into a cache miss. Entries written before this format (bare
msgpack) are such misses, so its deploy needed no new key prefix; an incompatible change to a format
takes a new first byte. Both formats start with a byte that
is not a digit, so django-redis never mistakes a payload for one of the raw integers it stores for
``incr``/``decr``. Known gap: a ``bytearray`` nested in a container comes back as ``bytes`` (msgpack
packs it natively, without asking); a top-level one is pickled and keeps its type.

Values above ``COMPRESS_MIN_BYTES`` are zlib-compressed; django-redis tells compressed values apart
on read, so the threshold can change on a live cache. ``python -m bench.serializer`` compares both
formats with plain pickle (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import pickle
import struct
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import msgpack
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString
from django_redis.compressors.zlib import ZlibCompressor
from django_redis.serializers.base import BaseSerializer

logger = logging.getLogger("core.redis")

COMPRESS_MIN_BYTES = 1024

MSGPACK = b"M"
SIGNED_PICKLE = b"P"
SIGNATURE_BYTES = 32  # HMAC-SHA256
SIGNING_SALT = "trackeep.core.redis.serializers.signed-pickle"

EXT_TUPLE = 1
EXT_SET = 2
EXT_FROZENSET = 3
EXT_DATETIME = 4
EXT_DATE = 5
EXT_TIME = 6
EXT_TIMEDELTA = 7
EXT_DECIMAL = 8
EXT_UUID = 9
EXT_BIGINT = 10
EXT_SAFESTRING = 11

_TIMEDELTA = struct.Struct(">iII")  # days, seconds, µs
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class UndecodableEntry(Exception):
    """A cached payload that must be treated as absent (the message is a reason, never data)."""


class _NotMsgpack(TypeError):
    """A value (or part of one) that the msgpack format cannot carry with its type intact."""


def _clock(value: dt.datetime | dt.time) -> bytes:
    """ISO 8601 (C-fast both ways), plus an RFC 9557 ``[zone]`` suffix for a ZoneInfo zone."""
    tz = value.tzinfo
    if value.fold:
        raise _NotMsgpack("fold")  # isoformat drops it; pickle keeps it
    if tz is None or tz is dt.UTC:
        return value.isoformat().encode()
    if type(tz) is dt.timezone and tz.tzname(None) == dt.timezone(tz.utcoffset(None)).tzname(None):
        return value.isoformat().encode()  # a fixed offset without a custom name
    if type(tz) is ZoneInfo and tz.key is not None:
        return f"{value.isoformat()}[{tz.key}]".encode()
    raise _NotMsgpack(f"time zone {type(tz).__name__}")


def _from_clock(kind: type[dt.datetime] | type[dt.time]) -> Callable[[bytes], Any]:
    def decode(data: bytes) -> Any:
        text, _, zone = data.decode().partition("[")
        value = kind.fromisoformat(text)
        return value.replace(tzinfo=ZoneInfo(zone[:-1])) if zone else value

    return decode


def _timedelta(value: dt.timedelta) -> bytes:
    return _TIMEDELTA.pack(value.days, value.seconds, value.microseconds)


def _from_timedelta(data: bytes) -> dt.timedelta:
    days, seconds, microseconds = _TIMEDELTA.unpack(data)
    return dt.timedelta(days, seconds, microseconds)


def _items(value: Any) -> bytes:
    return _packb(list(value))


_ENCODERS: dict[type, tuple[int, Callable[[Any], bytes]]] = {
    tuple: (EXT_TUPLE, _items),
    set: (EXT_SET, _items),
    frozenset: (EXT_FROZENSET, _items),
    dt.datetime: (EXT_DATETIME, _clock),
    dt.date: (EXT_DATE, lambda value: value.isoformat().encode()),
    dt.time: (EXT_TIME, _clock),
    dt.timedelta: (EXT_TIMEDELTA, _timedelta),
    Decimal: (EXT_DECIMAL, lambda value: str(value).encode()),
    uuid.UUID: (EXT_UUID, lambda value: value.bytes),
    int: (EXT_BIGINT, lambda value: str(value).encode()),  # only ints msgpack cannot hold natively
    SafeString: (EXT_SAFESTRING, lambda value: value.encode()),
}

_DECODERS: dict[int, Callable[[bytes], Any]] = {
    EXT_TUPLE: lambda data: tuple(_unpackb(data)),
    EXT_SET: lambda data: set(_unpackb(data)),
    EXT_FROZENSET: lambda data: frozenset(_unpackb(data)),
    EXT_DATETIME: _from_clock(dt.datetime),
    EXT_DATE: lambda data: dt.date.fromisoformat(data.decode()),
    EXT_TIME: _from_clock(dt.time),
    EXT_TIMEDELTA: _from_timedelta,
    EXT_DECIMAL: lambda data: Decimal(data.decode()),
    EXT_UUID: lambda data: uuid.UUID(bytes=bytes(data)),
    EXT_BIGINT: lambda data: int(data),
    EXT_SAFESTRING: lambda data: SafeString(data.decode()),
}


def _default(value: Any) -> msgpack.ExtType | msgpack.Timestamp:
    if type(value) is dt.datetime and value.tzinfo is dt.UTC and not value.fold:
        # The common case (Django's aware datetimes): msgpack's own timestamp, decoded in C.
        delta = value - _EPOCH
        return msgpack.Timestamp(delta.days * 86400 + delta.seconds, delta.microseconds * 1000)
    entry = _ENCODERS.get(type(value))
    if entry is None:
        raise _NotMsgpack(type(value).__name__)
    code, encode = entry
    return msgpack.ExtType(code, encode(value))


def _ext_hook(code: int, data: bytes) -> Any:
    decode = _DECODERS.get(code)
    if decode is None:
        raise ValueError(f"unknown msgpack extension {code}")
    return decode(data)


def _packb(value: Any) -> bytes:
    # strict_types: subclasses (IntEnum, OrderedDict, SafeString, ...) reach _default, not the
    # native packer that would turn them into their base type.
    data: bytes = msgpack.packb(value, default=_default, use_bin_type=True, strict_types=True)
    return data


def _unpackb(data: bytes | memoryview) -> Any:
    return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False, strict_map_key=False, timestamp=3)


@functools.lru_cache(maxsize=8)
def _keyed_hmac(secret: str | bytes) -> hmac.HMAC:
    """An HMAC-SHA256 keyed for ``secret``: the key is derived from it with Django's ``salted_hmac``."""
    key = salted_hmac(SIGNING_SALT, b"cache signing key", secret=secret, algorithm="sha256").digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _signature(body: bytes | memoryview, secret: str | bytes) -> bytes:
    mac = _keyed_hmac(secret).copy()  # cheaper than keying a new one per value
    mac.update(body)
    return mac.digest()


def signed_pickle(value: Any) -> bytes:
    """``value`` in the fallback format: pickle under an HMAC of ``SECRET_KEY`` (raises if unpicklable)."""
    body = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return SIGNED_PICKLE + _signature(body, settings.SECRET_KEY) + body


def _verified_pickle(payload: memoryview) -> Any:
    signature, body = payload[:SIGNATURE_BYTES], payload[SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, _signature(body, settings.SECRET_KEY)) and not any(
        hmac.compare_digest(signature, _signature(body, old)) for old in settings.SECRET_KEY_FALLBACKS
    ):
        raise UndecodableEntry("unsigned or tampered pickle payload")
    return pickle.loads(body)


def dumps(value: Any) -> bytes:
    """``value`` as msgpack when its types allow, else as signed pickle."""
    if type(value) is not bytearray:
        try:
            return MSGPACK + _packb(value)
        except (TypeError, ValueError, OverflowError):
            pass  # an unsupported type, or a structure that contains itself
    return signed_pickle(value)


def loads(data: bytes) -> Any:
    """The value ``dumps`` encoded; ``UndecodableEntry`` (logged) for anything else."""
    try:
        marker = data[:1]
        if marker == MSGPACK:
            return _unpackb(memoryview(data)[1:])
        if marker == SIGNED_PICKLE:
            return _verified_pickle(memoryview(data)[1:])
        raise UndecodableEntry("unknown format")
    except UndecodableEntry as error:
        logger.warning("cache entry refused as a miss: %s", error)
        raise
    except Exception as error:
        # Only the exception's type: its message may quote the payload.
        reason = f"undecodable ({type(error).__name__})"
        logger.warning("cache entry refused as a miss: %s", reason)
        raise UndecodableEntry(reason) from None


class CacheSerializer(BaseSerializer):
    """django-redis serializer: msgpack with extension types, else signed pickle."""

    def dumps(self, value: Any) -> bytes:
        return dumps(value)

    def loads(self, value: bytes) -> Any:
        return loads(value)


class ThresholdZlibCompressor(ZlibCompressor):
    """zlib, but only for values longer than ``COMPRESS_MIN_BYTES`` (small ones cost more CPU)."""

    min_length = COMPRESS_MIN_BYTES
