"""The Redis page's line charts: gaps, thresholds, the day's worst-of-bucket points."""

from __future__ import annotations

import datetime as dt

from core import svg
from core.monitoring.series import Sample
from core.redis_admin import charts

START = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def test_a_missing_reading_breaks_the_line_and_a_threshold_is_dashed() -> None:
    chart = svg.line(
        [(at(1), 5), (at(2), 6), (at(3), None), (at(4), 7), (at(5), 8)],
        start=START,
        end=at(60),
        title="Clients <all>",
        threshold=9,
    )
    assert chart.svg.count("<polyline") == 2
    assert 'class="threshold"' in chart.svg and "threshold-note" not in chart.svg
    assert "Clients &lt;all&gt;" in chart.svg
    assert ("12:03", "—") in chart.rows


def test_a_threshold_far_above_the_line_is_named_instead_of_flattening_it() -> None:
    chart = svg.line([(at(1), 2), (at(2), 3)], start=START, end=at(60), title="Clients", threshold=9000)
    assert 'class="threshold"' not in chart.svg
    assert "threshold 9000, off the scale" in chart.svg


def test_the_day_keeps_each_buckets_worst_value() -> None:
    now = START.timestamp() + 3600
    day = [
        Sample("cache", START.timestamp() + i * 60, True, {"hit_rate": rate, "ops_per_sec": ops})
        for i, (rate, ops) in enumerate([(0.99, 10), (0.50, 90), (0.95, 20)])
    ]
    hit_rate = next(s for s in charts.SPECS if s.name == "hit_rate")
    ops = next(s for s in charts.SPECS if s.name == "ops")
    assert [v for _, v in charts._buckets(charts._points(day, hit_rate), 300, hit_rate)] == [50.0]
    assert [v for _, v in charts._buckets(charts._points(day, ops), 300, ops)] == [90.0]
    unreachable = [*day, Sample("cache", START.timestamp() + 600, False)]
    assert [v for _, v in charts._buckets(charts._points(unreachable, ops), 300, ops)] == [90.0, None]
    assert len(charts.pairs(day, now)) == len(charts.SPECS)


def test_axis_figures_stay_readable() -> None:
    assert (
        charts._short(9000.0) == "9,000" and charts._short(0.5) == "0.5" and charts._short(12.345) == "12.3"
    )
