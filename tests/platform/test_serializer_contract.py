"""Django's cache contract on every alias, through django-redis and our serializer, on a real Redis.

Every value Django's cache documentation allows comes back equal and of the same type (time zones
and ``fold`` included); the API's edges behave as on Django's own backends; an entry that cannot be
decoded, forged pickle included, is a miss that runs nothing; ``cache_page`` and the cache
middleware work.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import enum
import logging
import pickle
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.utils.safestring import mark_safe
from django_redis import get_redis_connection

from core.redis.serializers import SIGNATURE_BYTES, SIGNED_PICKLE, UndecodableEntry, signed_pickle

ALIASES = ("default", "state")
BERLIN = ZoneInfo("Europe/Berlin")


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Point(NamedTuple):
    x: int
    y: int


@dataclasses.dataclass(frozen=True)
class Bookmark:
    url: str
    saved: dt.datetime


VALUES: dict[str, Any] = {
    "none": None,
    "true": True,
    "int": 42,
    "negative int": -7,
    "int beyond 64 bits": 2**100,
    "float": 2.5,
    "infinity": float("inf"),
    "str": "plain",
    "unicode str": "naïve 東京 🚀",
    "empty str": "",
    "bytes": b"\x00\xff\x80",
    "bytearray": bytearray(b"\x01\x02"),
    "list": [1, "two", None, [3.0]],
    "tuple": (1, "two", (3, [4])),
    "empty tuple": (),
    "set": {1, "two", (3, 4)},
    "frozenset": frozenset({"a", "b"}),
    "dict with int and tuple keys": {1: "one", (2, "b"): "pair", frozenset({3}): "set", None: 0},
    "nested dict": {"a": {"b": [{"c": {1, 2}}, (dt.date(2025, 1, 2),)]}},
    "aware UTC datetime": dt.datetime(2025, 3, 1, 12, 30, 5, 123456, tzinfo=dt.UTC),
    "datetime before 1970": dt.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=dt.UTC),
    "ZoneInfo datetime": dt.datetime(2025, 7, 1, 9, 0, tzinfo=BERLIN),
    "ZoneInfo datetime, second 02:30": dt.datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=BERLIN),
    "fixed offset datetime": dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3.5))),
    "named offset datetime": dt.datetime(2025, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=2), "CEST")),
    "naive datetime": dt.datetime(2025, 3, 1, 12, 0, 0, 7),
    "date": dt.date(2025, 2, 28),
    "time": dt.time(23, 59, 59, 999999),
    "aware time": dt.time(8, 15, tzinfo=ZoneInfo("Asia/Tokyo")),
    "timedelta": dt.timedelta(days=-2, seconds=5, microseconds=3),
    "Decimal": Decimal("19.990"),
    "Decimal exponent": Decimal("-1.5E+7"),
    "UUID": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "SafeString": mark_safe("<b>bold</b>"),
    "SafeString in a dict": {"html": mark_safe("<i>x</i>")},
    "Enum": Color.RED,
    "IntEnum": Level.HIGH,
    "IntEnum in a dict": {"level": Level.HIGH},
    "named tuple": Point(1, 2),
    "OrderedDict": collections.OrderedDict([("b", 1), ("a", 2)]),
    "defaultdict": collections.defaultdict(list, {"a": [1]}),
    "Counter": collections.Counter("hello"),
    "dataclass": Bookmark("https://example.com", dt.datetime(2025, 1, 1, tzinfo=BERLIN)),
    "list of dataclasses": [Bookmark("https://a.example", dt.datetime(2025, 1, 1, tzinfo=dt.UTC))] * 2,
}


def assert_same(expected: Any, actual: Any) -> None:
    """Equal, of the same type all the way down; datetimes keep tzinfo and fold."""
    assert type(actual) is type(expected), f"{type(expected).__name__} came back as {type(actual).__name__}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected)
        for key, value in expected.items():
            assert_same(key, next(k for k in actual if k == key))
            assert_same(value, actual[key])
    elif isinstance(expected, list | tuple):
        assert len(actual) == len(expected)
        for left, right in zip(expected, actual, strict=True):
            assert_same(left, right)
    elif isinstance(expected, dt.datetime | dt.time):
        assert (actual, actual.tzinfo, actual.fold) == (expected, expected.tzinfo, expected.fold)
        assert actual.tzname() == expected.tzname()
    else:
        assert actual == expected


def raw_set(alias: str, key: str, payload: bytes) -> None:
    cache = caches[alias]
    get_redis_connection(alias).set(cache.client.make_key(key), payload)


def raw_get(alias: str, key: str) -> bytes | None:
    cache = caches[alias]
    return get_redis_connection(alias).get(cache.client.make_key(key))  # type: ignore[no-any-return]


@pytest.fixture(params=ALIASES)
def alias(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
def test_every_value_round_trips_with_its_type(alias: str, value: Any) -> None:
    cache = caches[alias]
    assert cache.set("value", value) is True
    assert_same(value, cache.get("value"))
    assert_same(value, cache.get_many(["value"])["value"])


def test_a_model_instance_round_trips(alias: str) -> None:
    user = get_user_model()(pk=7, username="ada", email="ada@example.com", full_name="Ada")
    caches[alias].set("user", user)
    back = caches[alias].get("user")
    assert type(back) is type(user) and back == user
    assert (back.username, back.email, back.full_name) == ("ada", "ada@example.com", "Ada")


@pytest.mark.parametrize("response_class", [HttpResponse, JsonResponse])
def test_a_response_round_trips(alias: str, response_class: type[HttpResponse]) -> None:
    response = response_class({"ok": True}) if response_class is JsonResponse else HttpResponse("<p>hi</p>")
    response["X-Custom"] = "1"
    response.status_code = 203
    caches[alias].set("response", response)
    back = caches[alias].get("response")
    assert type(back) is response_class
    assert (back.status_code, back.content, back["X-Custom"]) == (203, response.content, "1")
    assert back["Content-Type"] == response["Content-Type"]


def test_plain_data_is_never_pickled_and_the_rest_is_signed(alias: str) -> None:
    caches[alias].set("plain", {"when": VALUES["ZoneInfo datetime"], "ids": (1, 2), "tags": {"a"}})
    caches[alias].set("object", Color.RED)
    assert raw_get(alias, "plain")[:1] == b"M"  # type: ignore[index]
    assert raw_get(alias, "object")[:1] == SIGNED_PICKLE  # type: ignore[index]


def test_an_unpicklable_value_raises_on_set(alias: str) -> None:
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        caches[alias].set("lambda", lambda: None)
    assert caches[alias].get("lambda", "absent") == "absent"


# --- the API's edges ---------------------------------------------------------------------------

ODD_KEYS = ["with space", "ünïcødé ключ 鍵", "colons:and{braces}*?[]", "tab\tand\nnewline", "k" * 250]


@pytest.mark.parametrize("key", ODD_KEYS, ids=["space", "unicode", "glob", "control", "long"])
def test_odd_keys(alias: str, key: str) -> None:
    cache = caches[alias]
    assert not cache.has_key(key)
    cache.set(key, {"k": key})
    assert cache.has_key(key)
    assert cache.get(key) == {"k": key}
    assert cache.get_many([key, "other"]) == {key: {"k": key}}
    assert cache.delete(key) is True
    assert cache.get(key, "gone") == "gone"


def test_integers_are_stored_raw_for_incr_and_decr(alias: str) -> None:
    cache = caches[alias]
    cache.set("counter", 10)
    assert raw_get(alias, "counter") == b"10"
    assert cache.incr("counter") == 11
    assert cache.incr("counter", 5) == 16
    assert cache.decr("counter", 20) == -4
    assert cache.get("counter") == -4
    with pytest.raises(ValueError):
        cache.incr("missing")


def test_incr_keeps_working_beyond_64_bits(alias: str) -> None:
    cache = caches[alias]
    cache.set("huge", 2**70)
    assert cache.incr("huge") == 2**70 + 1
    assert cache.get("huge") == 2**70 + 1


def test_bools_and_int_enums_are_not_mistaken_for_counters(alias: str) -> None:
    cache = caches[alias]
    cache.set_many({"flag": True, "level": Level.HIGH, "zero": 0})
    assert_same({"flag": True, "level": Level.HIGH, "zero": 0}, cache.get_many(["flag", "level", "zero"]))


def test_add_only_when_absent(alias: str) -> None:
    cache = caches[alias]
    assert cache.add("once", ("first",)) is True
    assert cache.add("once", ("second",)) is False
    assert cache.get("once") == ("first",)


def test_stored_none_is_a_value_not_a_miss(alias: str) -> None:
    cache = caches[alias]
    cache.set("nothing", None)
    assert cache.get("nothing", "default") is None
    assert cache.has_key("nothing")


def test_get_many_set_many_delete_many(alias: str) -> None:
    cache = caches[alias]
    values = {"a": {1, 2}, "b": (dt.date(2025, 1, 1),), "c": Decimal("1.5")}
    cache.set_many(values)
    found = cache.get_many(["a", "b", "c", "missing"])
    assert_same(values, found)
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b", "c"]) == {"c": Decimal("1.5")}
    assert cache.get_many([]) == {}


def test_get_or_set(alias: str) -> None:
    cache = caches[alias]
    assert cache.get_or_set("lazy", lambda: frozenset({1})) == frozenset({1})
    assert cache.get_or_set("lazy", lambda: "other") == frozenset({1})


def test_timeouts_zero_none_and_positive(alias: str) -> None:
    cache = caches[alias]
    cache.set("kept", "v", timeout=None)
    assert cache.ttl("kept") is None  # never expires
    cache.set("short", "v", timeout=30)
    assert 0 < cache.ttl("short") <= 30
    cache.set("zero", "v", timeout=0)
    assert cache.get("zero", "absent") == "absent"  # zero: expire at once
    cache.set("kept", "v", timeout=0)  # a zero timeout also removes what was there
    assert not cache.has_key("kept")
    cache.set("default", "v")
    assert 0 < cache.ttl("default") <= cache.default_timeout


def test_touch(alias: str) -> None:
    cache = caches[alias]
    cache.set("touched", [1], timeout=30)
    assert cache.touch("touched", 500) is True
    assert 30 < cache.ttl("touched") <= 500
    assert cache.touch("touched", None) is True
    assert cache.ttl("touched") is None
    assert cache.touch("missing", 10) is False
    assert cache.get("touched") == [1]


# --- undecodable entries -----------------------------------------------------------------------


class WritesAFile:
    """Unpickling this creates ``path``: what a forged cache value would do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.path,))


def forged_payloads(target: Path) -> dict[str, bytes]:
    exploit = pickle.dumps(WritesAFile(target), pickle.HIGHEST_PROTOCOL)
    genuine = signed_pickle(Color.RED)
    return {
        "plain pickle": exploit,
        "marker, no signature": SIGNED_PICKLE + exploit,
        "marker, random signature": SIGNED_PICKLE + bytes(range(SIGNATURE_BYTES)) + exploit,
        "signature of another value": genuine[: 1 + SIGNATURE_BYTES] + exploit,
        "genuine, one byte flipped": genuine[:-1] + bytes([genuine[-1] ^ 1]),
        "truncated msgpack": b"M\x92\x01",
        "msgpack with trailing data": b"M\xc0\xc0",
        "unknown msgpack extension": b"M\xd4\x7f\x00",
        "unknown format": b"\xff\xfeJUNK",
        "zlib header, corrupt body": b"x\x9c\x00\x01garbage",
    }


def test_forged_and_corrupt_entries_are_misses_that_run_nothing(
    alias: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "pwned"
    payloads = forged_payloads(target)
    cache = caches[alias]
    cache.set("good", {"fine": True})
    caplog.set_level(logging.WARNING, logger="core.redis")
    for name, payload in payloads.items():
        raw_set(alias, name, payload)
        assert cache.get(name, "miss") == "miss", name
        assert not cache.has_key(name), name  # deleted, so add() can fill it
        assert cache.get_or_set(name, "recomputed") == "recomputed", name
        assert cache.get(name) == "recomputed", name
        raw_set(alias, name, payload)
    assert cache.get_many([*payloads, "good"]) == {"good": {"fine": True}}
    assert not any(cache.has_key(name) for name in payloads)
    assert not target.exists()
    refused = [r for r in caplog.records if r.getMessage().startswith("cache entry refused as a miss")]
    # One warning per refusal: each get(), then get_many()'s batch (stops at the first bad entry)
    # and its one-by-one retry.
    assert len(refused) == len(payloads) + 1 + len(payloads)
    assert all(r.levelno == logging.WARNING for r in refused)
    assert "WritesAFile" not in caplog.text and "pwned" not in caplog.text
    assert "unsigned or tampered pickle payload" in caplog.text
    pickle.loads(payloads["plain pickle"])  # the exploit is real: loaded without the check, it runs
    assert target.exists()


def test_decode_raises_for_raw_readers_and_decodes_what_set_wrote(alias: str, tmp_path: Path) -> None:
    """``core.redis.generational`` reads raw bytes with a Lua script and decodes them itself."""
    cache = caches[alias]
    cache.set("entry", {"when": VALUES["aware UTC datetime"]})
    assert cache.client.decode(raw_get(alias, "entry")) == {"when": VALUES["aware UTC datetime"]}
    for payload in forged_payloads(tmp_path / "pwned").values():
        with pytest.raises(UndecodableEntry):
            cache.client.decode(payload)
    assert not (tmp_path / "pwned").exists()


def test_a_value_signed_with_a_retired_key_is_read_only_while_the_key_is_a_fallback(
    alias: str, settings: Any
) -> None:
    cache = caches[alias]
    cache.set("signed", Level.HIGH)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-0123456789-abcdefghijklmnopqrstuvwxyz"
    assert cache.get("signed") is Level.HIGH
    settings.SECRET_KEY_FALLBACKS = []
    assert cache.get("signed", "miss") == "miss"


# --- cache_page and the cache middleware -------------------------------------------------------


@pytest.mark.urls("tests.platform.cache_page_urls")
def test_cache_page_serves_the_stored_response(alias: str, owner: Any) -> None:
    client = Client()
    first = client.get(f"/cached/{alias}/")
    second = client.get(f"/cached/{alias}/")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["X-Rendered-Token"] == first["X-Rendered-Token"]
    assert "max-age=60" in second["Cache-Control"]
    assert client.get("/plain/").content != client.get("/plain/").content  # the view itself varies


@pytest.mark.urls("tests.platform.cache_page_urls")
def test_the_site_wide_cache_middleware(alias: str, owner: Any, settings: Any) -> None:
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    settings.CACHE_MIDDLEWARE_ALIAS = alias
    settings.CACHE_MIDDLEWARE_SECONDS = 60
    client = Client()
    first = client.get("/plain/")
    second = client.get("/plain/")
    assert second.content == first.content
    assert second["X-Rendered-Token"] == first["X-Rendered-Token"]
