"""Present one run's results: console tables, the JSON file, the chart, and the docs section.

``python -m bench.report bench/results/<run>.json --docs docs/benchmarks.md`` re-renders the
generated part of the docs page (between its ``bench:results`` markers) and the chart beside it from
a saved run, so the page always shows one run's figures exactly as measured.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.chart import p95_chart
from bench.targets import evaluate, read_scenarios

DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"
CHART_NAME = "benchmarks-p95.svg"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator or math.isnan(numerator) or math.isnan(denominator):
        return "-"
    return f"{numerator / denominator:.1f}x"


def _pairs(doc: dict[str, Any]) -> Iterable[tuple[str, int, dict[str, Any] | None, dict[str, Any] | None]]:
    """(scenario, clients, off row, on row) in the order measured."""
    seen: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for row in doc.get("timed", []):
        seen.setdefault((row["scenario"], row["clients"]), {})[row["mode"]] = row
    for (scenario, clients), modes in seen.items():
        yield scenario, clients, modes.get("off"), modes.get("on")


def timed_rows(doc: dict[str, Any]) -> list[list[str]]:
    rows = []
    for scenario, clients, off, on in _pairs(doc):
        off, on = off or {}, on or {}
        rows.append(
            [
                scenario,
                str(clients),
                _num(off.get("rps"), 0),
                _num(off.get("p50"), 2),
                _num(off.get("p95"), 2),
                _num(off.get("p99"), 2),
                str(off.get("errors", "-")),
                _num(on.get("rps"), 0),
                _num(on.get("p50"), 2),
                _num(on.get("p95"), 2),
                _num(on.get("p99"), 2),
                str(on.get("errors", "-")),
                _ratio(on.get("rps"), off.get("rps")),
                _ratio(off.get("p95"), on.get("p95")),
            ]
        )
    return rows


TIMED_HEADER = [
    "scenario", "clients", "off req/s", "off p50", "off p95", "off p99", "off err",
    "on req/s", "on p50", "on p95", "on p99", "on err", "req/s on/off", "p95 off/on",
]  # fmt: skip
COUNT_HEADER = [
    "scenario", "off DB q/req", "off Redis RT/req", "off Redis cmd/req",
    "on DB q/req", "on Redis RT/req", "on Redis cmd/req", "DB queries cut",
]  # fmt: skip
TARGET_HEADER = ["target", "goal", "measured", "result"]


def count_rows(doc: dict[str, Any]) -> list[list[str]]:
    by_scenario: dict[str, dict[str, dict[str, Any]]] = {}
    for row in doc.get("counts", []):
        by_scenario.setdefault(row["scenario"], {})[row["mode"]] = row
    rows = []
    for scenario, modes in by_scenario.items():
        off, on = modes.get("off", {}), modes.get("on", {})
        cut = "-"
        if off.get("db_queries") and "db_queries" in on:
            cut = f"{1 - on['db_queries'] / off['db_queries']:.0%}"
        rows.append(
            [
                scenario,
                _num(off.get("db_queries"), 2),
                _num(off.get("redis_round_trips"), 2),
                _num(off.get("redis_commands"), 2),
                _num(on.get("db_queries"), 2),
                _num(on.get("redis_round_trips"), 2),
                _num(on.get("redis_commands"), 2),
                cut,
            ]
        )
    return rows


def target_rows(doc: dict[str, Any]) -> list[list[str]]:
    """The targets, evaluated again from the figures (so a saved run renders with today's rules)."""
    verdict = {True: "met", False: "MISSED", None: "not measured"}
    return [[t.name, t.goal, t.measured, verdict[t.met]] for t in evaluate(doc, read_scenarios(doc))]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fanout_line(doc: dict[str, Any]) -> str:
    fan = doc.get("fanout") or {}
    if "p95" not in fan:
        return f"WebSocket fan-out: not measured ({fan.get('skipped', 'no figures')})."
    return (
        f"WebSocket fan-out (Redis on): {fan['clients']} sockets over {fan['instances']} Daphne instances, "
        f"{fan['messages']} messages: {fan['delivered']}/{fan['expected']} delivered, "
        f"{fan['deliveries_per_second']:,.0f} deliveries/s, latency p50 {fan['p50']:.1f} ms, "
        f"p95 {fan['p95']:.1f} ms, p99 {fan['p99']:.1f} ms, max {fan['max']:.1f} ms "
        f"(POST p50 {fan['post_p50']:.1f} ms). Redis off: not possible (the in-memory channel layer "
        "cannot reach another process)."
    )


def print_report(doc: dict[str, Any]) -> None:
    print("\nLatency in ms; off = Redis features off (database sessions, local cache, in-process limiter)")
    print(text_table(TIMED_HEADER, timed_rows(doc)))
    print("\nPer request, from the counting pass (one client, after warm-up)")
    print(text_table(COUNT_HEADER, count_rows(doc)))
    print("\n" + fanout_line(doc))
    print("\nTargets (benchmarks, not tests)")
    print(text_table(TARGET_HEADER, target_rows(doc)))


def chart_rows(doc: dict[str, Any]) -> list[tuple[str, float, float]]:
    """p95 off/on per scenario and concurrency."""
    nan = float("nan")
    return [
        (
            f"{scenario}, {clients} client{'s' if clients > 1 else ''}",
            (off or {}).get("p95", nan),
            (on or {}).get("p95", nan),
        )
        for scenario, clients, off, on in _pairs(doc)
    ]


def write_chart(doc: dict[str, Any], path: Path) -> None:
    path.write_text(p95_chart(chart_rows(doc), "p95 latency per scenario, Redis features off vs on"))


def markdown(doc: dict[str, Any], chart_name: str) -> str:
    meta = doc["meta"]
    machine = meta["machine"]
    lines = [
        f"Run `{meta['started']}` (`{meta['results_file']}`), commit `{meta.get('commit', '?')}`.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB RAM, "
        f"{machine['os']}; Python {machine['python']}, PostgreSQL {machine['postgres']}, "
        f"Redis {machine['redis']}.",
        f"- Load average before the run: {meta['load_before']}; after: {meta['load_after']}.",
        f"- Command: `{meta['command']}`; {meta['workers']} gunicorn sync workers; dataset "
        f"{meta['users']} users x {meta['items']} items (seeded in {meta['seed_seconds']:.0f} s); "
        f"{meta['warmup']:g} s warm-up + {meta['duration']:g} s per measurement; "
        f"counting pass {meta['count_requests']} requests per scenario. "
        f"Whole run: {meta['total_seconds'] / 60:.1f} min.",
        "",
        "Scenarios:",
        "",
        *(f"- `{name}`: {text}" for name, text in meta.get("scenarios", {}).items()),
        "",
        f"![p95 latency, Redis off vs on]({chart_name})",
        "",
        "Latency in milliseconds.",
        "",
        markdown_table(TIMED_HEADER, timed_rows(doc)),
        "",
        "Per request, from the counting pass:",
        "",
        markdown_table(COUNT_HEADER, count_rows(doc)),
        "",
        fanout_line(doc),
        "",
        "Targets:",
        "",
        markdown_table(TARGET_HEADER, target_rows(doc)),
    ]
    return "\n".join(lines)


def update_docs(doc: dict[str, Any], docs: Path) -> None:
    """Replace the generated section of ``docs`` and write the chart next to it."""
    text = docs.read_text()
    if DOCS_START not in text or DOCS_END not in text:
        raise SystemExit(f"{docs} has no {DOCS_START} ... {DOCS_END} section")
    body = f"{DOCS_START}\n{markdown(doc, CHART_NAME)}\n{DOCS_END}"
    docs.write_text(
        re.sub(re.escape(DOCS_START) + ".*?" + re.escape(DOCS_END), lambda _: body, text, flags=re.S)
    )
    write_chart(doc, docs.parent / CHART_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a bench/results/<run>.json file")
    parser.add_argument("--docs", type=Path, help="rewrite this page's generated section and chart")
    args = parser.parse_args()
    doc = json.loads(args.results.read_text())
    print_report(doc)
    if args.docs:
        update_docs(doc, args.docs)
        print(f"\nUpdated {args.docs} and {args.docs.parent / CHART_NAME}")


if __name__ == "__main__":
    main()
