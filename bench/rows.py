"""Issue 12's table, row by row, from one run's results document: measured value, target, verdict.

These are benchmark targets, not tests: a missed one is reported with its figure, never an error. A
row whose figures the run did not produce (a variant left out, fan-out skipped) says "not measured".
Timed figures are medians over the interleaved rounds with their min-max range; a comparison (Redis
on vs off, search vs the minimal view, shipped vs no recycling) is taken round by round first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bench.scenarios import HIGH, LOW, PAGES, READ_PAGES
from bench.stats import Spread, paired, ratio, spread

BOOKMARKS_P95_MS = 10.0
BOOKMARKS_SPEEDUP = 4.0
SEARCH_VS_MINIMAL = 0.50
SEARCH_P95_MS = 4.0
READ_P95_CUT = 0.70
RECYCLING_COST = 0.05
FANOUT_P95_MS = 20.0
DELIVERY_P95_MS = 50.0
DELIVERY_SOCKETS = 200
SESSION_BYTES = 500
GENERAL_LIMIT_BYTES = 150
# The load generator is not the bottleneck when it uses at most this share of the server's CPU.
CLIENT_CPU_SHARE = 0.25

MET, MISSED, NOT_MEASURED, INFO = "met", "MISSED", "not measured", "info"


@dataclass(frozen=True)
class Row:
    group: str  # the row
    what: str
    measured: str
    target: str
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


class Results:
    """Lookups into a results document (``bench.runner``'s JSON)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document

    def values(self, page: str, clients: int, variant: str, field: str) -> list[float]:
        """``field`` of every round's pass, in round order."""
        rows = [
            p
            for p in self.doc.get("passes", [])
            if (p["page"], p["clients"], p["variant"]) == (page, clients, variant)
        ]
        return [
            math.nan if p.get("error") else float(p[field]) for p in sorted(rows, key=lambda p: p["round"])
        ]

    def spread(self, page: str, clients: int, variant: str, field: str) -> Spread | None:
        try:
            return spread(self.values(page, clients, variant, field))
        except ValueError:
            return None

    def paired(
        self,
        a: tuple[str, int, str],
        b: tuple[str, int, str],
        field: str,
        combine: Callable[[float, float], float] = ratio,
    ) -> Spread | None:
        first, second = self.values(*a, field), self.values(*b, field)
        if not first or len(first) != len(second):
            return None
        try:
            return paired(first, second, combine)
        except ValueError:
            return None

    def count(self, page: str) -> dict[str, Any] | None:
        for row in self.doc.get("counts", []):
            if row["page"] == page and row["requests"]:
                return dict(row)
        return None


def _clients(n: int) -> str:
    return "1 client" if n == 1 else f"{n} clients"


def _ms(s: Spread) -> str:
    return s.show("{:.1f}", " ms") if s.median >= 10 else s.show("{:.2f}", " ms")


def _x(s: Spread) -> str:
    return s.show("{:.2f}", "x")


def _pct(s: Spread) -> str:
    return s.show("{:.0%}")


def _bookmarks(r: Results) -> list[Row]:
    group = f"bookmark list, {_clients(LOW)}"
    rows = []
    p95 = r.spread("bookmarks", LOW, "on", "p95")
    target = f"< {BOOKMARKS_P95_MS:g} ms"
    rows.append(
        Row(group, "p95, Redis on", _ms(p95), target, _verdict(p95.median < BOOKMARKS_P95_MS))
        if p95
        else Row(group, "p95, Redis on", "-", target, NOT_MEASURED)
    )
    count = r.count("bookmarks")
    what, target = "DB queries per request, warm repeated page (Redis on)", "0 (median request)"
    if count:
        # The median request, not the worst: a session's ``seen`` time is refreshed (and its database
        # row written) at most once a minute, whichever page the request was for.
        measured = (
            f"median {count['db_queries_median']:g}, mean {count['db_queries']:.2f}, max "
            f"{count['db_queries_max']}; {count['redis_round_trips']:.2f} Redis round trips"
        )
        rows.append(Row(group, what, measured, target, _verdict(count["db_queries_median"] == 0)))
    else:
        rows.append(Row(group, what, "-", target, NOT_MEASURED))
    speedup = r.paired(("bookmarks", LOW, "on"), ("bookmarks", LOW, "off"), "rps")
    on, off = r.spread("bookmarks", LOW, "on", "rps"), r.spread("bookmarks", LOW, "off", "rps")
    what, target = "throughput, Redis on / off", f">= {BOOKMARKS_SPEEDUP:g}x"
    if speedup and on and off:
        measured = f"{_x(speedup)}; {on.median:.0f} vs {off.median:.0f} req/s"
        rows.append(Row(group, what, measured, target, _verdict(speedup.median >= BOOKMARKS_SPEEDUP)))
    else:
        rows.append(Row(group, what, "-", target, NOT_MEASURED))
    return rows


def _search(r: Results) -> list[Row]:
    rows = []
    group = f"repeated search throughput / minimal view (/healthz), {_clients(HIGH)}, wrk"
    share = r.paired(("search", HIGH, "on"), ("minimal", HIGH, "on"), "rps")
    search, minimal = r.spread("search", HIGH, "on", "rps"), r.spread("minimal", HIGH, "on", "rps")
    target = f">= {SEARCH_VS_MINIMAL:.0%}"
    if share and search and minimal:
        measured = f"{_pct(share)}; {search.median:.0f} vs {minimal.median:.0f} req/s"
        rows.append(Row(group, "Redis on", measured, target, _verdict(share.median >= SEARCH_VS_MINIMAL)))
    else:
        rows.append(Row(group, "Redis on", "-", target, NOT_MEASURED))
    group = f"repeated search p95, {_clients(LOW)}"
    p95 = r.spread("search", LOW, "on", "p95")
    target = f"< {SEARCH_P95_MS:g} ms"
    rows.append(
        Row(group, "Redis on", _ms(p95), target, _verdict(p95.median < SEARCH_P95_MS))
        if p95
        else Row(group, "Redis on", "-", target, NOT_MEASURED)
    )
    return rows


def _cut(on: float, off: float) -> float:
    return 1.0 - on / off if off > 0 else math.nan


def _read_pages(r: Results) -> list[Row]:
    group = f"p95 cut vs Redis off, {_clients(HIGH)}, every read page"
    target = f">= {READ_P95_CUT:.0%}"
    rows = []
    for page in READ_PAGES:
        cut = r.paired((page, HIGH, "on"), (page, HIGH, "off"), "p95", _cut)
        on, off = r.spread(page, HIGH, "on", "p95"), r.spread(page, HIGH, "off", "p95")
        what = PAGES[page].label
        if cut and on and off:
            measured = f"{_pct(cut)}; {on.median:.1f} vs {off.median:.1f} ms"
            rows.append(Row(group, what, measured, target, _verdict(cut.median >= READ_P95_CUT)))
        else:
            rows.append(Row(group, what, "-", target, NOT_MEASURED))
    return rows


def _recycling(r: Results) -> list[Row]:
    group = f"shipped gunicorn shape vs no recycling, minimal view, {_clients(HIGH)}"
    recycles = r.doc.get("recycles", {})
    note = f"; workers recycled during the run: {recycles.get('on', '?')}"
    rows = []
    shipped, plain = ("minimal", HIGH, "on"), ("minimal", HIGH, "norecycle")
    throughput = r.paired(shipped, plain, "rps")
    target = f">= {1 - RECYCLING_COST:.2f}x (recycling costs < {RECYCLING_COST:.0%})"
    if throughput:
        rows.append(
            Row(group, "throughput, shipped / no recycling", _x(throughput) + note, target,
                _verdict(throughput.median >= 1 - RECYCLING_COST))
        )  # fmt: skip
    else:
        rows.append(Row(group, "throughput, shipped / no recycling", "-", target, NOT_MEASURED))
    p99 = r.paired(shipped, plain, "p99")
    on, off = r.spread(*shipped, "p99"), r.spread(*plain, "p99")
    target = f"<= {1 + RECYCLING_COST:.2f}x"
    if p99 and on and off:
        measured = f"{_x(p99)}; {on.median:.1f} vs {off.median:.1f} ms"
        rows.append(
            Row(group, "p99, shipped / no recycling", measured, target,
                _verdict(p99.median <= 1 + RECYCLING_COST))
        )  # fmt: skip
    else:
        rows.append(Row(group, "p99, shipped / no recycling", "-", target, NOT_MEASURED))
    return rows


def _delivery(r: Results) -> list[Row]:
    fig = r.doc.get("delivery") or {}
    sockets = fig.get("sockets", DELIVERY_SOCKETS)
    group = f"message delivery p95, {sockets} sockets over {fig.get('instances', 2)} daphne"
    rows = []
    complete = fig.get("delivered") is not None and fig.get("delivered") == fig.get("expected")
    counts = f" ({fig.get('delivered')}/{fig.get('expected')} delivered)" if "expected" in fig else ""
    for key, what, limit in (
        ("fanout_p95", "fan-out alone", FANOUT_P95_MS),
        ("incl_post_p95", "incl. POST", DELIVERY_P95_MS),
    ):
        value = fig.get(key)
        target = f"< {limit:g} ms"
        if value is None:
            reason = fig.get("skipped") or fig.get(f"{key}_missing") or "-"
            rows.append(Row(group, what, reason, target, NOT_MEASURED))
            continue
        ok = value < limit and complete and sockets >= DELIVERY_SOCKETS
        rows.append(Row(group, what, f"{value:.1f} ms{counts}", target, _verdict(ok)))
    return rows


def _memory(r: Results) -> list[Row]:
    mem = r.doc.get("memory") or {}
    rows = []
    group = "Redis memory per session"
    target = f"<= {SESSION_BYTES} B (seed)"
    if mem.get("sessions"):
        measured = f"{mem['session_bytes']:,.0f} B (mean of {mem['sessions']} sessions)"
        rows.append(
            Row(group, "MEMORY USAGE", measured, target, _verdict(mem["session_bytes"] <= SESSION_BYTES))
        )
        rows.append(
            Row(group, "per login incl. the user's session index", f"{mem['per_login_bytes']:,.0f} B",
                "none of its own (the issue measured 1,134 B)", INFO)
        )  # fmt: skip
    else:
        rows.append(Row(group, "MEMORY USAGE", "-", target, NOT_MEASURED))
    general = mem.get("general")
    group = "general limit per identity, budget spent"
    target = f"<= {GENERAL_LIMIT_BYTES} B"
    if general:
        what = f"{general['algorithm']}, {general['limit']}/{general['window']:g} s"
        measured = f"{general['bytes']:,.0f} B ({general['keys']:g} key)"
        rows.append(Row(group, what, measured, target, _verdict(general["bytes"] <= GENERAL_LIMIT_BYTES)))
    else:
        rows.append(Row(group, "general policy", "-", target, NOT_MEASURED))
    return rows


def _production_limits(r: Results) -> list[Row]:
    group = f"production rate limits (separate server), home, {_clients(HIGH)}"
    answered = r.spread("home", HIGH, "prodlimits", "answered_rps")
    denied = r.spread("home", HIGH, "prodlimits", "status_share")
    p95 = r.spread("home", HIGH, "prodlimits", "p95")
    unlimited = r.spread("home", HIGH, "on", "p95")
    target = "none: shows their cost"
    if answered and denied and p95 and unlimited:
        measured = (
            f"{answered.median:.0f} answers/s, {_pct(denied)} denied (429); "
            f"p95 {p95.median:.1f} ms vs {unlimited.median:.1f} ms with budgets out of reach"
        )
        return [Row(group, "shipped budgets, Redis on", measured, target, INFO)]
    return [Row(group, "shipped budgets, Redis on", "-", target, NOT_MEASURED)]


def _load_generator(r: Results) -> list[Row]:
    group = "bench: the load generator is not the bottleneck"
    passes = [
        p
        for p in r.doc.get("passes", [])
        if p["clients"] == HIGH and not p.get("error") and p["server_cpu"] > 0
    ]
    target = f"wrk CPU <= {CLIENT_CPU_SHARE:.0%} of the server's, every {_clients(HIGH)} pass"
    if not passes:
        return [Row(group, "wrk", "-", target, NOT_MEASURED)]
    worst = max(passes, key=lambda p: p["client_cpu"] / p["server_cpu"])
    share = worst["client_cpu"] / worst["server_cpu"]
    measured = (
        f"worst {share:.0%} ({worst['page']}, {worst['variant']}: wrk {worst['client_cpu']:.0%} "
        f"of a core, server {worst['server_cpu']:.0%})"
    )
    return [Row(group, "wrk", measured, target, _verdict(share <= CLIENT_CPU_SHARE))]


def evaluate(document: dict[str, Any]) -> list[Row]:
    """Every row of issue 12's table, in its order, then the bench's own checks."""
    r = Results(document)
    return [
        *_bookmarks(r),
        *_search(r),
        *_read_pages(r),
        *_recycling(r),
        *_delivery(r),
        *_memory(r),
        *_production_limits(r),
        *_load_generator(r),
    ]
