"""Server-side SVG charts: stacked bars over time, horizontal bars, a calendar heat-map and a line
over a time window (with an optional threshold).

No JavaScript and no CDN: each function returns a ``Chart`` holding the SVG markup (marked safe,
every label escaped here) and the same figures as table rows, which templates show as the chart's
text alternative (``templates/_chart.html``). Colours are CSS classes (``series-N``, ``level-N``,
``axis``) whose fills come from custom properties in ``static/css/charts.css``, so one SVG follows
the light and the dark theme. The SVG carries ``role="img"`` with a ``<title>`` and ``<desc>``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)
SERIES_COLOURS = 5  # series-0 .. series-4 in charts.css
HEAT_LEVELS = 5  # level-0 .. level-4
OFF_SCALE = 4  # line(): a threshold above this many times the highest value is named, not drawn


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its text alternative (a caption, column headings and rows)."""

    svg: SafeString
    caption: str
    headings: tuple[str, ...]
    rows: Sequence[tuple[str, ...]] = field(default_factory=list)
    legend: tuple[tuple[str, str], ...] = ()  # (css class, label)


def _open(width: int, height: int, title: str, desc: str, css: str) -> tuple[str, str]:
    n = next(_ids)
    head = (
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-t{n} chart-d{n}" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def minutes(value: float) -> str:
    """Minutes as an axis label or a bar value: ``45 min``, ``2.5 h``."""
    return f"{value:.3g} min" if value < 60 else f"{value / 60:.1f} h"


def as_minutes(seconds: Sequence[float]) -> list[float]:
    """Durations in seconds as minutes (time charts are drawn in minutes: round axis ticks)."""
    return [s / 60 for s in seconds]


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def stacked_bars(
    days: Sequence[dt.date],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    width: int = 720,
    height: int = 220,
) -> Chart:
    """One stacked bar per day; ``series`` are (label, one value per day)."""
    left, bottom, top = 40, 22, 8
    plot_w, plot_h = width - left - 6, height - bottom - top
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    peak = _nice_max(max(totals, default=0))
    slot = plot_w / max(1, len(days))
    bar = max(1.0, slot * 0.75)
    parts = []
    for tick in (0, peak / 2, peak):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>'
        )
    label_every = max(1, len(days) // 8)
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for s, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / peak
            y -= h
            tip = f"{day.isoformat()}: {fmt(value)} {name}"
            parts.append(
                f'<rect class="series-{s % SERIES_COLOURS}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}"><title>{escape(tip)}</title></rect>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f"{escape(day.strftime('%d %b'))}</text>"
            )
    total = sum(totals)
    desc = f"{len(days)} days from {days[0]} to {days[-1]}, {fmt(total)} in all." if days else "No days."
    head, tail = _open(width, height, title, desc, "stacked-bars")
    rows = [
        (day.isoformat(), *(fmt(values[i]) for _, values in series))
        for i, day in enumerate(days)
        if totals[i]
    ]
    legend = tuple((f"series-{s % SERIES_COLOURS}", name) for s, (name, _) in enumerate(series))
    return Chart(
        mark_safe(head + "".join(parts) + tail), title, ("Day", *(n for n, _ in series)), rows, legend
    )


def horizontal_bars(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    width: int = 360,
    row_height: int = 26,
) -> Chart:
    """One labelled bar per item, longest first as given."""
    label_w, value_w = 120, 64
    plot_w = width - label_w - value_w
    peak = max((value for _, value in items), default=0) or 1
    height = max(row_height, row_height * len(items))
    parts = []
    for i, (label, value) in enumerate(items):
        y = i * row_height
        w = plot_w * value / peak
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text class="axis" x="{label_w - 6}" y="{y + 17}" text-anchor="end">{escape(short)}</text>'
        )
        parts.append(
            f'<rect class="series-{i % SERIES_COLOURS}" x="{label_w}" y="{y + 5}" width="{w:.1f}" '
            f'height="{row_height - 10}"><title>{escape(label)}: {escape(fmt(value))}</title></rect>'
        )
        parts.append(
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 17}">{escape(fmt(value))}</text>'
        )
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items) or "Nothing to show."
    head, tail = _open(width, height, title, desc, "horizontal-bars")
    rows = [(label, fmt(value)) for label, value in items]
    return Chart(mark_safe(head + "".join(parts) + tail), title, ("", "Value"), rows)


def line(
    points: Sequence[tuple[dt.datetime, float | None]],
    *,
    start: dt.datetime,
    end: dt.datetime,
    title: str,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    threshold: float | None = None,
    width: int = 360,
    height: int = 120,
) -> Chart:
    """A line of ``points`` (time, value; None breaks the line) across the window ``start``..``end``,
    with a dashed line at ``threshold`` when one is given. Times are labelled ``HH:MM`` as given.

    A threshold far above every value (more than ``OFF_SCALE`` times the highest) would flatten the
    line onto the axis: it is then named in the top corner instead of drawn."""
    left, bottom, top, right = 44, 18, 6, 6
    plot_w, plot_h = width - left - right, height - bottom - top
    values = [v for _, v in points if v is not None]
    highest = max(values, default=0)
    off_scale = threshold is not None and highest > 0 and threshold > OFF_SCALE * highest
    peak = _nice_max(highest if off_scale else max(highest, threshold or 0))
    span = max(1.0, (end - start).total_seconds())

    def x_of(at: dt.datetime) -> float:
        return left + plot_w * min(1.0, max(0.0, (at - start).total_seconds() / span))

    def y_of(value: float) -> float:
        return top + plot_h - plot_h * min(value, peak) / peak

    parts = []
    for tick in (0, peak / 2, peak):
        y = y_of(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(fmt(tick))}</text>'
        )
    for i in range(5):
        at = start + (end - start) * i / 4
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(
            f'<text class="axis" x="{x_of(at):.1f}" y="{height - 4}" text-anchor="{anchor}">'
            f"{escape(at.strftime('%H:%M'))}</text>"
        )
    if threshold is not None and off_scale:
        parts.append(
            f'<text class="axis threshold-note" x="{width - right}" y="{top + 8}" text-anchor="end">'
            f"{escape(f'threshold {fmt(threshold)}, off the scale')}</text>"
        )
    elif threshold is not None:
        y = y_of(threshold)
        parts.append(
            f'<line class="threshold" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}">'
            f"<title>{escape(f'threshold {fmt(threshold)}')}</title></line>"
        )
    segments: list[list[str]] = [[]]
    for at, value in points:
        if value is None:
            segments.append([])
        else:
            segments[-1].append(f"{x_of(at):.1f},{y_of(value):.1f}")
    for segment in segments:
        if len(segment) == 1:
            cx, cy = segment[0].split(",")
            parts.append(f'<circle class="dot series-0" cx="{cx}" cy="{cy}" r="1.5"/>')
        elif segment:
            parts.append(f'<polyline class="line" points="{" ".join(segment)}"/>')
    if values:
        desc = f"{len(values)} readings, lowest {fmt(min(values))}, highest {fmt(max(values))}."
    else:
        desc = "No readings in this period."
    head, tail = _open(width, height, title, desc, "line")
    rows = [(at.strftime("%H:%M"), "—" if v is None else fmt(v)) for at, v in points]
    return Chart(mark_safe(head + "".join(parts) + tail), title, ("Time", title), rows)


def heat_map(year: int, counts: dict[dt.date, int], *, title: str, target: int = 1) -> Chart:
    """A year as a GitHub-style grid: one column per week (Monday first), one cell per day.

    A cell's level is its count relative to ``target`` (0 none, 4 at or above the target).
    """
    cell, gap, left, top = 11, 2, 24, 16
    first = dt.date(year, 1, 1)
    last = dt.date(year, 12, 31)
    weeks = ((last - first).days + first.weekday()) // 7 + 1
    width, height = left + weeks * (cell + gap), top + 7 * (cell + gap)
    parts = []
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(f'<text class="axis" x="0" y="{top + row * (cell + gap) + 9}">{name}</text>')
    day = first
    while day <= last:
        column = ((day - first).days + first.weekday()) // 7
        x, y = left + column * (cell + gap), top + day.weekday() * (cell + gap)
        if day.day == 1:
            parts.append(f'<text class="axis" x="{x}" y="10">{day.strftime("%b")}</text>')
        count = counts.get(day, 0)
        level = 0 if count <= 0 else min(HEAT_LEVELS - 1, 1 + (HEAT_LEVELS - 2) * count // max(1, target))
        parts.append(
            f'<rect class="level-{level}" x="{x}" y="{y}" width="{cell}" height="{cell}" rx="2">'
            f"<title>{day.isoformat()}: {count}</title></rect>"
        )
        day += dt.timedelta(days=1)
    active = sum(1 for d, n in counts.items() if n > 0 and d.year == year)
    desc = f"{active} active days in {year}."
    head, tail = _open(width, height, title, desc, "heat-map")
    rows = [(d.isoformat(), str(n)) for d, n in sorted(counts.items()) if n > 0 and d.year == year]
    return Chart(mark_safe(head + "".join(parts) + tail), title, ("Day", "Check-ins"), rows)
