"""A small SVG bar chart: p95 latency per scenario with the Redis features off and on.

Hand-written SVG (no plotting dependency): one pair of horizontal bars per scenario on a logarithmic
axis, because the scenarios span from a millisecond to seconds; each bar carries its value.
"""

from __future__ import annotations

import math
from html import escape

ROW_HEIGHT = 34
BAR_HEIGHT = 12
LABEL_WIDTH = 190
PLOT_WIDTH = 520
VALUE_WIDTH = 90
TOP = 56
COLORS = {"off": "#94a3b8", "on": "#2563eb"}


def _x(value_ms: float, low: float, high: float) -> float:
    span = math.log10(high) - math.log10(low)
    clamped = min(max(value_ms, low), high)
    return LABEL_WIDTH + PLOT_WIDTH * (math.log10(clamped) - math.log10(low)) / span


def p95_chart(rows: list[tuple[str, float, float]], title: str) -> str:
    """SVG for ``rows`` of (label, p95 off in ms, p95 on in ms)."""
    values = [v for _, off, on in rows for v in (off, on) if v > 0 and not math.isnan(v)]
    low = 10 ** math.floor(math.log10(min(values, default=1.0)))
    high = 10 ** math.ceil(math.log10(max(values, default=10.0)))
    if high <= low:
        high = low * 10
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height = TOP + ROW_HEIGHT * len(rows) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="600" fill="#0f172a">{escape(title)}</text>',
    ]
    for name, color, x in (("Redis off", COLORS["off"], 12), ("Redis on", COLORS["on"], 112)):
        out.append(f'<rect x="{x}" y="34" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{x + 18}" y="44" fill="#334155">{name}</text>')
    tick = low
    bottom = TOP + ROW_HEIGHT * len(rows)
    while tick <= high * 1.0001:
        x = _x(tick, low, high)
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#e2e8f0"/>')
        label = f"{tick:g} ms" if tick < 1000 else f"{tick / 1000:g} s"
        out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#64748b">{label}</text>')
        tick *= 10
    for index, (label, off, on) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        out.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="#0f172a">{escape(label)}</text>'
        )
        for offset, mode, value in ((2, "off", off), (2 + BAR_HEIGHT + 2, "on", on)):
            if math.isnan(value) or value <= 0:
                continue
            end = _x(value, low, high)
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{max(end - LABEL_WIDTH, 1):.1f}" '
                f'height="{BAR_HEIGHT}" fill="{COLORS[mode]}"/>'
            )
            out.append(f'<text x="{end + 4:.1f}" y="{y + offset + 10}" fill="#334155">{value:.1f}</text>')
    caption = "p95 latency in milliseconds, logarithmic scale"
    out.append(f'<text x="{LABEL_WIDTH}" y="{height - 6}" fill="#64748b">{caption}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
