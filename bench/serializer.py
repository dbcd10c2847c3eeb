"""Cache serializer: encode+decode time and stored size per representative value, vs plain pickle.

Run ``python -m bench.serializer`` (no server needed). Each value goes through a real django-redis
client's ``encode``/``decode`` (serializer, then the zlib threshold compressor), in three set-ups:

- ``trackeep``: the cache aliases' client (``core.redis.serializers``): msgpack with extension types,
  or signed pickle when a value's types need it;
- ``pickle``: django-redis's default ``PickleSerializer`` with the same compressor (unsafe: a forged
  Redis value runs code on load; the baseline the issue asks for);
- ``signed``: our fallback format forced (what any value would cost if everything were pickled).

The values have the shapes the hot paths cache: the home dashboard (``analytics.selectors``), a
search page of 20 hits (``search.backends.base``), a profile (``accounts.selectors``), a session
(``accounts.sessions``), plus a ``cache_page`` response, which takes the signed pickle path.
Rounds interleave the set-ups in a shuffled order, each timing a calibrated loop; the table shows
the median per operation over the rounds and the spread (min-max). Sizes are the bytes stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import zlib
from collections.abc import Callable
from typing import Any

SEED = 7
TARGET_SECONDS = 0.02  # CPU time of one timed loop
VOCABULARY = ("redis", "cache", "search", "task", "note", "file", "bookmark", "django", "python", "lua")


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(count))


def _moment(rng: random.Random) -> dt.datetime:
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return start + dt.timedelta(seconds=rng.randrange(365 * 86400), microseconds=rng.randrange(10**6))


def dashboard(rng: random.Random) -> dict[str, Any]:
    """``analytics.selectors.compute_home``: counts and five recent rows per content type."""
    today = dt.date(2025, 6, 1)
    return {
        "bookmarks": {"total": 5000, "unread": 1204, "favorites": 310},
        "tasks": {"total": 812, "open": 140, "overdue": 12, "done": 650},
        "notes": {"total": 420, "pinned": 9},
        "files": {"total": 77},
        "recent_bookmarks": [
            {
                "id": rng.randrange(10**6),
                "title": _words(rng, 6),
                "url": f"https://example.com/{_words(rng, 3).replace(' ', '/')}",
                "is_read": rng.random() < 0.5,
            }
            for _ in range(5)
        ],
        "due_tasks": [
            {
                "id": rng.randrange(10**6),
                "title": _words(rng, 5),
                "due_date": today + dt.timedelta(days=rng.randrange(-5, 30)),
                "priority": rng.choice(["low", "medium", "high", "urgent"]),
            }
            for _ in range(5)
        ],
        "recent_notes": [
            {"id": rng.randrange(10**6), "title": _words(rng, 4), "is_pinned": False} for _ in range(5)
        ],
        "recent_files": [
            {"id": rng.randrange(10**6), "name": f"{_words(rng, 2)}.pdf", "size": rng.randrange(10**7)}
            for _ in range(5)
        ],
        "today": today,
    }


def search_page(rng: random.Random) -> dict[str, Any]:
    """``search.backends.base.SearchBackend.search``: one page of 20 highlighted hits."""
    hits = []
    for _ in range(20):
        title = _words(rng, 6)
        hits.append(
            {
                "kind": rng.choice(["bookmark", "task", "note", "file"]),
                "id": rng.randrange(10**6),
                "title": title,
                "title_segments": [[title[:6], True], [title[6:], False]],
                "snippet_segments": [[_words(rng, 12), False], ["redis", True], [_words(rng, 25), False]],
                "link": "https://example.com/article",
                "tags": _words(rng, 3).split(),
                "created_at": _moment(rng),
                "updated_at": _moment(rng),
                "is_favorite": False,
                "is_read": True,
                "status": "",
                "priority": "",
                "is_pinned": False,
                "url": f"/bookmarks/{rng.randrange(10**6)}/",
            }
        )
    counts = {"bookmark": 3100, "task": 240, "note": 180, "file": 12}
    return {"total": 3532, "page": 2, "pages": 177, "per_page": 20, "counts": counts, "hits": hits}


def profile(rng: random.Random) -> dict[str, Any]:
    """``accounts.selectors.get_profile``: the profile fields as a dict."""
    return {
        "id": 42,
        "username": "ada",
        "email": "ada@example.com",
        "full_name": "Ada Lovelace",
        "role": "member",
        "bio": _words(rng, 30),
        "timezone": "Europe/London",
        "date_joined": _moment(rng),
    }


def session(rng: random.Random) -> dict[str, Any]:
    """A signed-in session: Django's auth entries, the user snapshot and the session metadata."""
    now = _moment(rng).isoformat()
    return {
        "_auth_user_id": "42",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": "9f" * 32,
        "_tk_user": {
            "id": 42,
            "username": "ada",
            "email": "ada@example.com",
            "full_name": "Ada Lovelace",
            "role": "member",
            "timezone": "Europe/London",
            "is_active": True,
            "is_staff": False,
            "is_superuser": False,
        },
        "_tk_meta": {
            "user_id": 42,
            "email": "ada@example.com",
            "username": "ada",
            "role": "member",
            "ip": "203.0.113.7",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36",
            "created_at": now,
            "last_active": now,
        },
    }


def cached_response(rng: random.Random) -> Any:
    """What ``cache_page`` stores: an ``HttpResponse`` with a rendered page."""
    from django.http import HttpResponse

    body = "".join(f"<li><a href='/n/{i}'>{_words(rng, 8)}</a></li>" for i in range(120))
    return HttpResponse(f"<html><body><ul>{body}</ul></body></html>")


VALUES: dict[str, Callable[[random.Random], Any]] = {
    "dashboard": dashboard,
    "search page": search_page,
    "profile": profile,
    "session": session,
    "cache_page response": cached_response,
}


class Codec:
    """A django-redis client's ``encode``/``decode`` with a given serializer (never connects)."""

    def __init__(self, name: str, serializer: str, *, forced_signed: bool = False) -> None:
        from core.redis.cache_clients import CacheClient
        from core.redis.serializers import signed_pickle

        options = {"SERIALIZER": serializer, "COMPRESSOR": "core.redis.serializers.ThresholdZlibCompressor"}
        self.name = name
        self.client = CacheClient("redis://unused.invalid/0", {"OPTIONS": options}, backend=None)  # type: ignore[arg-type]
        if forced_signed:
            compress = self.client._compressor.compress
            self.encode: Callable[[Any], Any] = lambda value: compress(signed_pickle(value))
        else:
            self.encode = self.client.encode

    def decode(self, data: bytes) -> Any:
        return self.client.decode(data)


def set_ups() -> list[Codec]:
    return [
        Codec("trackeep", "core.redis.serializers.CacheSerializer"),
        Codec("pickle", "django_redis.serializers.pickle.PickleSerializer"),
        Codec("signed", "core.redis.serializers.CacheSerializer", forced_signed=True),
    ]


def _per_op_us(operation: Callable[[], Any], loops: int) -> float:
    started = time.process_time()
    for _ in range(loops):
        operation()
    return (time.process_time() - started) / loops * 1e6


def _loops(operation: Callable[[], Any]) -> int:
    """How many calls make one timed loop last about ``TARGET_SECONDS`` of CPU time."""
    loops = 1
    while (per_op := _per_op_us(operation, loops)) * loops < TARGET_SECONDS * 1e6 / 4:
        loops *= 2
    return max(1, round(TARGET_SECONDS * 1e6 / max(per_op, 1e-3)))


def measure(value: Any, codecs: list[Codec], rounds: int, rng: random.Random) -> dict[str, dict[str, Any]]:
    """Per codec: bytes stored, and encode and decode µs per round (set-ups interleaved, shuffled)."""
    stored = {codec.name: codec.encode(value) for codec in codecs}
    for codec in codecs:
        back = codec.decode(stored[codec.name])
        if type(back) is not type(value):
            raise AssertionError(f"{codec.name} changed a {type(value).__name__} into {type(back).__name__}")

    def encode(codec: Codec) -> Callable[[], Any]:
        return lambda: codec.encode(value)

    def decode(codec: Codec) -> Callable[[], Any]:
        data = stored[codec.name]
        return lambda: codec.decode(data)

    loops = {codec.name: (_loops(encode(codec)), _loops(decode(codec))) for codec in codecs}
    samples: dict[str, dict[str, list[float]]] = {c.name: {"encode": [], "decode": []} for c in codecs}
    for _ in range(rounds):
        order = list(codecs)
        rng.shuffle(order)
        for codec in order:
            encode_loops, decode_loops = loops[codec.name]
            samples[codec.name]["encode"].append(_per_op_us(encode(codec), encode_loops))
            samples[codec.name]["decode"].append(_per_op_us(decode(codec), decode_loops))
    return {
        name: {
            "bytes": len(stored[name]),
            "format": _format(stored[name]),
            "encode": times["encode"],
            "decode": times["decode"],
            "total": [e + d for e, d in zip(times["encode"], times["decode"], strict=True)],
        }
        for name, times in samples.items()
    }


def _format(data: bytes) -> str:
    """Our formats start with M or P, pickle with 0x80; a zlib stream with 0x78 ("x")."""
    if data[:1] == b"x":
        return f"zlib {_format(zlib.decompress(data))}"
    return {b"M": "msgpack", b"P": "signed pickle"}.get(data[:1], "pickle")


def report(results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """The table: medians over the rounds, the spread (min-max) of encode+decode, and ratios."""
    lines = [
        f"{'value':<20} {'set-up':<9} {'format':<18} {'bytes':>6} {'encode':>8} {'decode':>8}"
        f" {'enc+dec':>8} {'spread':>13} {'/pickle':>8} {'/signed':>8}"
    ]
    for value_name, by_codec in results.items():
        pickle_total = statistics.median(by_codec["pickle"]["total"])
        signed_total = statistics.median(by_codec["signed"]["total"])
        for name, figures in by_codec.items():
            total = statistics.median(figures["total"])
            spread = f"{min(figures['total']):.1f}-{max(figures['total']):.1f}"
            lines.append(
                f"{value_name:<20} {name:<9} {figures['format']:<18} {figures['bytes']:>6}"
                f" {statistics.median(figures['encode']):>8.1f} {statistics.median(figures['decode']):>8.1f}"
                f" {total:>8.1f} {spread:>13} {total / pickle_total:>7.2f}x {total / signed_total:>7.2f}x"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serializer", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per value (default 15)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackeep.settings")
    import django

    django.setup()
    rng = random.Random(SEED)
    codecs = set_ups()
    results = {name: measure(build(rng), codecs, args.rounds, rng) for name, build in VALUES.items()}
    print(
        f"CPU µs per operation, median of {args.rounds} interleaved rounds (spread: min-max of"
        " encode+decode); bytes as stored in Redis"
    )
    print("\n".join(report(results)))


if __name__ == "__main__":
    main()
