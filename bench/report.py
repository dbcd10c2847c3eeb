"""Present one run's results: console tables and the generated section of docs/benchmarks.md.

``python -m bench.report bench/results/<run>.json --docs docs/benchmarks.md`` re-renders the
generated part of the docs page (between its ``bench:results`` markers) from a saved run, so the page
always shows one run's figures exactly as measured; the rows are evaluated again with today's rules.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path
from typing import Any

from bench.rows import Results, evaluate
from bench.scenarios import PLAN
from bench.stats import paired

DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"

ISSUE_HEADER = ["issue 12 row", "what", "measured: median (min to max over rounds)", "target", "result"]
PASS_HEADER = [
    "page", "clients", "variant", "req/s", "p50 ms", "p95 ms", "p99 ms", ">=400", "socket err",
    "wrk CPU", "server CPU", "server CPU ms/answer",
]  # fmt: skip
COUNT_HEADER = ["page", "DB queries/req", "median", "max", "Redis round trips/req", "max", "errors"]


def issue_rows(doc: dict[str, Any]) -> list[list[str]]:
    return [[r.group, r.what, r.measured, r.target, r.verdict] for r in evaluate(doc)]


def _show(r: Results, page: str, clients: int, variant: str, field: str, fmt: str) -> str:
    s = r.spread(page, clients, variant, field)
    return "-" if s is None else s.show(fmt)


def _total(r: Results, page: str, clients: int, variant: str, field: str) -> str:
    values = r.values(page, clients, variant, field)
    return "-" if not values or any(math.isnan(v) for v in values) else f"{sum(values):,.0f}"


def _cpu_per_answer(r: Results, page: str, clients: int, variant: str) -> str:
    """Server CPU milliseconds per answer, round by round: less sensitive to a busy machine than
    latency, which also counts the time the server waited for a core."""
    cpu = r.values(page, clients, variant, "server_cpu")
    answers = r.values(page, clients, variant, "answered_rps")
    try:
        return paired(cpu, answers, lambda c, a: 1000 * c / a if a > 0 else math.nan).show("{:.1f}")
    except ValueError:
        return "-"


def pass_rows(doc: dict[str, Any]) -> list[list[str]]:
    """One line per page, concurrency and variant: medians and ranges over the rounds."""
    r = Results(doc)
    rows = []
    for m in PLAN:
        for variant in m.variants:
            if not r.values(m.page, m.clients, variant, "round"):
                continue
            rows.append(
                [
                    m.page,
                    str(m.clients),
                    variant,
                    _show(r, m.page, m.clients, variant, "rps", "{:,.0f}"),
                    _show(r, m.page, m.clients, variant, "p50", "{:.2f}"),
                    _show(r, m.page, m.clients, variant, "p95", "{:.2f}"),
                    _show(r, m.page, m.clients, variant, "p99", "{:.2f}"),
                    _total(r, m.page, m.clients, variant, "status_errors"),
                    _total(r, m.page, m.clients, variant, "socket_errors"),
                    _show(r, m.page, m.clients, variant, "client_cpu", "{:.0%}"),
                    _show(r, m.page, m.clients, variant, "server_cpu", "{:.0%}"),
                    _cpu_per_answer(r, m.page, m.clients, variant),
                ]
            )
    return rows


def count_rows(doc: dict[str, Any]) -> list[list[str]]:
    def num(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    return [
        [c["page"], num(c["db_queries"]), num(c["db_queries_median"]), str(c["db_queries_max"]),
         num(c["redis_round_trips"]),
         str(c["redis_round_trips_max"]), str(c["errors"])]
        for c in doc.get("counts", [])
    ]  # fmt: skip


def delivery_line(doc: dict[str, Any]) -> str:
    fig = doc.get("delivery") or {}
    if "skipped" in fig or "expected" not in fig:
        return f"Message delivery: not measured ({fig.get('skipped', 'no figures')})."
    fanout = "not measured" if fig.get("fanout_p95") is None else f"{fig['fanout_p95']:.1f} ms"
    return (
        f"Message delivery: {fig['sockets']} sockets over {fig['instances']} Daphne instances, "
        f"{fig['messages']} messages, {fig['delivered']}/{fig['expected']} delivered; p95 incl. POST "
        f"{fig['incl_post_p95']:.1f} ms (p50 {fig['incl_post_p50']:.1f}), POST alone p95 "
        f"{fig['post_p95']:.1f} ms, fan-out alone p95 {fanout}."
    )


def notes(doc: dict[str, Any]) -> list[str]:
    lines = []
    recycles = doc.get("recycles")
    if recycles:
        shown = ", ".join(f"{variant} {n}" for variant, n in recycles.items())
        lines.append(f"Workers recycled (max-requests reached) during the rounds: {shown}.")
    tracebacks = {v: n for v, n in (doc.get("server_tracebacks") or {}).items() if n}
    if tracebacks:
        lines.append(f"Tracebacks in the server logs: {tracebacks} (see the results file).")
    failed = [p for p in doc.get("passes", []) if p.get("error")]
    if failed:
        lines.append(f"{len(failed)} timed passes failed, e.g. {failed[0]['error']}")
    return lines


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(
            cell.ljust(w) if i < 3 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def print_report(doc: dict[str, Any]) -> None:
    rounds = doc.get("meta", {}).get("rounds", "?")
    print(f"\nTimed passes (wrk): median (min to max) over {rounds} interleaved rounds")
    print(text_table(PASS_HEADER, pass_rows(doc)))
    print("\nPer request, counting pass (Redis on, one client, warm)")
    print(text_table(COUNT_HEADER, count_rows(doc)))
    print("\n" + delivery_line(doc))
    for line in notes(doc):
        print(line)
    print("\nIssue 12 (benchmarks, not tests)")
    print(text_table(ISSUE_HEADER, issue_rows(doc)))


def _phases(meta: dict[str, Any]) -> str:
    phases = meta.get("phase_seconds") or {}
    return f" ({', '.join(f'{name} {seconds:.0f} s' for name, seconds in phases.items())})" if phases else ""


def markdown(doc: dict[str, Any]) -> str:
    meta = doc["meta"]
    machine = meta["machine"]
    lines = [
        f"Run `{meta['started']}` (`{meta['results_file']}`), commit `{meta.get('commit', '?')}`.",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB RAM, "
        f"{machine['os']}; Python {machine['python']}, PostgreSQL {machine['postgres']}, "
        f"Redis {machine['redis']}.",
        f"- Load average before the run: {meta['load_before']}; after: {meta['load_after']}.",
        f"- Command: `{meta['command']}`; {meta['workers']} gunicorn workers with the Dockerfile's flags "
        f"(`{' '.join(meta['gunicorn'])}`); dataset {meta['users']} users x {meta['items']} items "
        f"(seeded in {meta['seed_seconds']:.0f} s); {meta['rounds']} interleaved rounds of "
        f"{meta['warmup']} s warm-up + {meta['duration']} s per pass (wrk); counting pass "
        f"{meta['count_requests']} requests per page. Whole run: {meta['total_seconds'] / 60:.1f} min"
        + _phases(meta)
        + ".",
        "- Pages: " + ", ".join(f"`{name}` `{path}`" for name, path in meta.get("pages", {}).items()) + ".",
        "",
        "Issue 12's table:",
        "",
        markdown_table(ISSUE_HEADER, issue_rows(doc)),
        "",
        "Timed passes, median (min to max) over the rounds; latency in milliseconds, CPU in cores "
        "(server CPU ms/answer: the gunicorn processes' CPU time per answer):",
        "",
        markdown_table(PASS_HEADER, pass_rows(doc)),
        "",
        "Per request, counting pass (Redis on, one client, warm):",
        "",
        markdown_table(COUNT_HEADER, count_rows(doc)),
        "",
        delivery_line(doc),
        *("\n" + line for line in notes(doc)),
    ]
    return "\n".join(lines)


def update_docs(doc: dict[str, Any], docs: Path) -> None:
    """Replace the generated section of ``docs``."""
    text = docs.read_text()
    if DOCS_START not in text or DOCS_END not in text:
        raise SystemExit(f"{docs} has no {DOCS_START} ... {DOCS_END} section")
    body = f"{DOCS_START}\n{markdown(doc)}\n{DOCS_END}"
    docs.write_text(
        re.sub(re.escape(DOCS_START) + ".*?" + re.escape(DOCS_END), lambda _: body, text, flags=re.S)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a bench/results/<run>.json file")
    parser.add_argument("--docs", type=Path, help="rewrite this page's generated section")
    args = parser.parse_args()
    doc = json.loads(args.results.read_text())
    print_report(doc)
    if args.docs:
        update_docs(doc, args.docs)
        print(f"\nUpdated {args.docs}")


if __name__ == "__main__":
    main()
