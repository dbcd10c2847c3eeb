"""Summary statistics: one measured run (throughput, latency percentiles, errors), and the spread of
a figure over interleaved rounds.

Percentiles use the nearest-rank method (the smallest sample with at least p % of the samples at or
below it), so every reported latency is one that a request really had. Over rounds, a figure is
reported as its median and its min-max range; a comparison of two set-ups is computed round by round
(each round's A against the same round's B, measured back to back) before taking the median.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of ``samples`` (``pct`` in (0, 100]); raises on an empty list."""
    if not samples:
        raise ValueError("no samples")
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Summary:
    """One scenario at one concurrency in one mode. Latencies in milliseconds."""

    requests: int
    errors: int
    seconds: float
    rps: float
    p50: float
    p95: float
    p99: float
    mean: float
    max: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(latencies_ms: Sequence[float], errors: int, seconds: float) -> Summary:
    """Summarise the latencies of the successful requests; ``rps`` counts successes per second."""
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    if not latencies_ms:
        nan = float("nan")
        return Summary(0, errors, seconds, 0.0, nan, nan, nan, nan, nan)
    return Summary(
        requests=len(latencies_ms),
        errors=errors,
        seconds=seconds,
        rps=len(latencies_ms) / seconds,
        p50=percentile(latencies_ms, 50),
        p95=percentile(latencies_ms, 95),
        p99=percentile(latencies_ms, 99),
        mean=sum(latencies_ms) / len(latencies_ms),
        max=max(latencies_ms),
    )


def reduction(before: float, after: float) -> float:
    """How much lower ``after`` is than ``before``, as a fraction (0.7 = 70 % lower)."""
    if before <= 0 or math.isnan(before) or math.isnan(after):
        return float("nan")
    return 1.0 - after / before


@dataclass(frozen=True)
class Spread:
    """A figure over rounds: its median, lowest and highest value, and the values in round order."""

    median: float
    low: float
    high: float
    values: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def show(self, fmt: str = "{:.1f}", unit: str = "") -> str:
        """``median unit (low-high)``, or the one value when there is a single round."""
        median = fmt.format(self.median) + unit
        if len(self.values) < 2:
            return median
        return f"{median} ({fmt.format(self.low)} to {fmt.format(self.high)})"


def spread(values: Sequence[float]) -> Spread:
    """The median and range of ``values`` (NaN values left out; ValueError when none remain)."""
    kept = tuple(v for v in values if not math.isnan(v))
    if not kept:
        raise ValueError("no values")
    return Spread(statistics.median(kept), min(kept), max(kept), kept)


def paired(a: Sequence[float], b: Sequence[float], combine: Callable[[float, float], float]) -> Spread:
    """``combine(a[i], b[i])`` for every round ``i`` (same-round pairs), as a spread."""
    if len(a) != len(b):
        raise ValueError("the two sides have different numbers of rounds")
    return spread([combine(x, y) for x, y in zip(a, b, strict=True)])


def ratio(a: float, b: float) -> float:
    """``a / b``; NaN when ``b`` is not positive."""
    return a / b if b > 0 else float("nan")
