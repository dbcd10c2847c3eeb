"""The harness's statistics and the fan-out printout reader, on made-up figures."""

from __future__ import annotations

import math

import pytest

from bench import delivery
from bench.stats import paired, percentile, ratio, reduction, spread, summarize


def test_percentiles_are_nearest_rank_samples() -> None:
    samples = [float(n) for n in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 99) == 99
    assert percentile(samples, 100) == 100
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # order of the input does not matter
    assert percentile([7.0], 1) == 7.0
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_summary_counts_successes_per_second() -> None:
    summary = summarize([1.0, 2.0, 3.0, 4.0], errors=2, seconds=2.0)
    assert (summary.requests, summary.errors, summary.rps) == (4, 2, 2.0)
    assert (summary.p50, summary.max, summary.mean) == (2.0, 4.0, 2.5)
    empty = summarize([], errors=5, seconds=1.0)
    assert empty.requests == 0 and empty.rps == 0 and math.isnan(empty.p95)


def test_reduction() -> None:
    assert reduction(10.0, 3.0) == pytest.approx(0.7)
    assert reduction(10.0, 12.0) == pytest.approx(-0.2)
    assert math.isnan(reduction(0.0, 1.0))


def test_fanout_figures_are_read_back_from_its_printout() -> None:
    printout = """
messages posted          50 (HTTP, alternating instances, one after another)
POST time (ms)           p50 6.1  p95 9.8
deliveries               9990 of 10000 (10 missing)
deliveries per second    4321  (21.6 messages/s fanned out)
delivery latency (ms)    p50 4.2  p95 11.5  p99 15.0  max 30.1
"""
    figures = delivery.parse(printout)
    assert figures == {
        "delivered": 9990, "expected": 10000, "p50": 4.2, "p95": 11.5, "p99": 15.0, "max": 30.1,
        "deliveries_per_second": 4321.0, "post_p50": 6.1, "post_p95": 9.8,
    }  # fmt: skip
    with pytest.raises(ValueError, match="latency"):
        delivery.parse(printout.replace("delivery latency", "latency"))


def test_spread_is_the_median_and_range_of_the_rounds() -> None:
    s = spread([3.0, 1.0, 10.0])
    assert (s.median, s.low, s.high, s.values) == (3.0, 1.0, 10.0, (3.0, 1.0, 10.0))
    assert spread([1.0, 2.0, 3.0, 4.0]).median == 2.5
    assert spread([2.0, math.nan, 4.0]).values == (2.0, 4.0)  # a failed round is left out
    assert s.show("{:.1f}", " ms") == "3.0 ms (1.0 to 10.0)"
    assert spread([5.0]).show("{:.0f}", "x") == "5x"  # one round: no range to show
    with pytest.raises(ValueError):
        spread([math.nan])


def test_comparisons_are_made_round_by_round() -> None:
    # Round 2 is slow for both sides (machine noise): per-round ratios stay at 2x, while the ratio of
    # the medians would not be.
    on, off = [200.0, 20.0, 210.0], [100.0, 10.0, 100.0]
    s = paired(on, off, ratio)
    assert s.values == (2.0, 2.0, 2.1) and s.median == 2.0
    assert math.isnan(ratio(1.0, 0.0))
    with pytest.raises(ValueError):
        paired([1.0], [1.0, 2.0], ratio)
