"""The Redis page's charts: a few figures of the sampler's series over the last hour and day.

The hour shows every sample (one a minute); the day is drawn in ``DAY_BUCKET_SECONDS`` buckets, each
the bucket's worst value (the highest, or the lowest for the hit rate), so a short spike stays
visible. An unreachable sample, or a figure the sample could not work out, breaks the line. The
dashed line is the alert threshold (``core.redis.health``), where the figure has one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from core import svg
from core.monitoring.series import Sample
from core.redis.health import (
    CLIENTS_ALERT_RATIO,
    EVICTIONS_ALERT_PER_MINUTE,
    HIT_RATE_ALERT,
    MEMORY_ALERT_RATIO,
)

HOUR_SECONDS = 3600
DAY_SECONDS = 24 * HOUR_SECONDS
DAY_BUCKET_SECONDS = 300  # 288 points a day
MIB = 1024 * 1024

Figures = dict[str, object]
Points = list[tuple[float, float | None]]  # (Unix time, value or None for a gap)


@dataclass(frozen=True)
class Spec:
    """One charted figure: how to read it from a sample, its threshold (from the newest sample's
    figures), how to print it, and whether its worst value is the lowest."""

    name: str
    title: str
    value: Callable[[Figures], float | None]  # .get: samples stored before a figure existed lack it
    threshold: Callable[[Figures], float | None]
    fmt: Callable[[float], str]
    lower_is_worse: bool = False


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _scaled(value: object, factor: float) -> float | None:
    number = _number(value)
    return None if number is None else number * factor


def _short(value: float) -> str:
    """Three significant digits, whole numbers from 1 000 on (``9,000``, not ``9e+03``)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


SPECS = (
    Spec(
        "memory",
        "Used memory (MiB)",
        lambda f: _scaled(f.get("used_memory"), 1 / MIB),
        lambda f: _scaled(f.get("maxmemory"), MEMORY_ALERT_RATIO / MIB) or None,
        _short,
    ),
    Spec(
        "hit_rate",
        "Hit rate (%)",
        lambda f: _scaled(f.get("hit_rate"), 100),
        lambda f: HIT_RATE_ALERT * 100,
        _short,
        lower_is_worse=True,
    ),
    Spec(
        "ops",
        "Operations per second",
        lambda f: _number(f.get("ops_per_sec")),
        lambda f: None,
        _short,
    ),
    Spec(
        "clients",
        "Connected clients",
        lambda f: _number(f.get("connected_clients")),
        lambda f: _scaled(f.get("maxclients"), CLIENTS_ALERT_RATIO) or None,
        _short,
    ),
    Spec(
        "evictions",
        "Evictions per minute",
        lambda f: _number(f.get("evictions_per_minute")),
        lambda f: float(EVICTIONS_ALERT_PER_MINUTE),
        _short,
    ),
)


@dataclass(frozen=True)
class Pair:
    """One figure's charts: the last hour and the last day."""

    name: str
    hour: svg.Chart
    day: svg.Chart


def _at(seconds: float) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromtimestamp(seconds, tz=dt.UTC))


def _points(samples: Sequence[Sample], spec: Spec) -> Points:
    return [(s.at, spec.value(s.figures) if s.reachable else None) for s in samples]


def _buckets(points: Points, seconds: int, spec: Spec) -> Points:
    """One point per ``seconds`` bucket that has samples: the worst value, None if it had none."""
    grouped: dict[int, list[float | None]] = {}
    for at, value in points:
        grouped.setdefault(int(at // seconds), []).append(value)
    worst = min if spec.lower_is_worse else max
    result: Points = []
    for bucket, values in sorted(grouped.items()):
        known = [v for v in values if v is not None]
        result.append((bucket * seconds + seconds / 2, worst(known) if known else None))
    return result


def _chart(points: Points, spec: Spec, threshold: float | None, seconds: int, now: float) -> svg.Chart:
    period = "last hour" if seconds == HOUR_SECONDS else "last 24 hours"
    return svg.line(
        [(_at(at), value) for at, value in points],
        start=_at(now - seconds),
        end=_at(now),
        title=f"{spec.title}, {period}",
        fmt=spec.fmt,
        threshold=threshold,
    )


def pairs(day: Sequence[Sample], now: float) -> list[Pair]:
    """Every ``SPECS`` figure of ``day`` (one role's samples of the last day, oldest first) as charts."""
    newest = next((s.figures for s in reversed(day) if s.reachable), None)
    hour = [s for s in day if s.at >= now - HOUR_SECONDS]
    result = []
    for spec in SPECS:
        threshold = spec.threshold(newest) if newest else None
        by_bucket = _buckets(_points(day, spec), DAY_BUCKET_SECONDS, spec)
        result.append(
            Pair(
                spec.name,
                _chart(_points(hour, spec), spec, threshold, HOUR_SECONDS, now),
                _chart(by_bucket, spec, threshold, DAY_SECONDS, now),
            )
        )
    return result
