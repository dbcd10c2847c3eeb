"""The issue's performance targets, checked against one run's results.

These are benchmark targets, not tests: a missed one is reported (with the measured value), never an
error. A target whose figures were not measured in this run (a scenario left out, fan-out skipped)
is reported as "not measured". "Low" and "high" concurrency are the smallest and largest client
counts of the run (1 and 32 by default, the levels the targets name).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from bench.scenarios import scenarios
from bench.stats import reduction

ZERO_QUERY_PAGES = ("home", "search_repeated", "profile")
MAX_ROUND_TRIPS = 3
READ_P95_REDUCTION = 0.70
MIXED_QUERY_REDUCTION = 0.90
SEARCH_VS_MINIMAL = 0.50
SEARCH_SPEEDUP = 4.0
SEARCH_P95_ONE_CLIENT_MS = 4.0
DELIVERY_P95_MS = 20.0
DELIVERY_SOCKETS = 200


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Results:
    """Lookups into a results document (``bench.runner``'s JSON)."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        levels = sorted({row["clients"] for row in document.get("timed", []) if row["scenario"] != "login"})
        self.low = levels[0] if levels else 1
        self.high = levels[-1] if levels else 1

    def timed(self, mode: str, scenario: str, clients: int) -> dict[str, Any] | None:
        for row in self.doc.get("timed", []):
            if (row["mode"], row["scenario"], row["clients"]) == (mode, scenario, clients) and row[
                "requests"
            ]:
                return dict(row)
        return None

    def counts(self, mode: str, scenario: str) -> dict[str, Any] | None:
        for row in self.doc.get("counts", []):
            if (row["mode"], row["scenario"]) == (mode, scenario) and row["requests"]:
                return dict(row)
        return None


def _clients(n: int) -> str:
    return f"{n} client" if n == 1 else f"{n} clients"


def _lower(cut: float) -> str:
    return f"{cut:.0%} lower" if cut >= 0 else f"{-cut:.0%} higher"


def _unmeasured(name: str, goal: str) -> Target:
    return Target(name, goal, "not measured", None)


def _zero_queries(r: Results, page: str) -> Target:
    name, goal = (
        f"{page}: warm, Redis on",
        f"0 DB queries and <= {MAX_ROUND_TRIPS} Redis round trips per request",
    )
    row = r.counts("on", page)
    if row is None:
        return _unmeasured(name, goal)
    measured = f"{row['db_queries']:.2f} queries, {row['redis_round_trips']:.2f} round trips"
    return Target(
        name, goal, measured, row["db_queries"] == 0 and row["redis_round_trips"] <= MAX_ROUND_TRIPS
    )


def _search_targets(r: Results) -> list[Target]:
    targets = []
    on_high, off_high = r.timed("on", "search_repeated", r.high), r.timed("off", "search_repeated", r.high)
    minimal = r.timed("on", "minimal", r.high)
    name = f"repeated search throughput, {_clients(r.high)}"
    goal = f">= {SEARCH_VS_MINIMAL:.0%} of the minimal view's"
    if on_high and minimal:
        share = on_high["rps"] / minimal["rps"]
        targets.append(
            Target(
                name,
                goal,
                f"{share:.0%} ({on_high['rps']:.0f} vs {minimal['rps']:.0f}/s)",
                share >= SEARCH_VS_MINIMAL,
            )
        )
    else:
        targets.append(_unmeasured(name, goal))
    goal = f">= {SEARCH_SPEEDUP:g}x Redis off"
    if on_high and off_high:
        speedup = on_high["rps"] / off_high["rps"]
        targets.append(
            Target(
                name,
                goal,
                f"{speedup:.1f}x ({on_high['rps']:.0f} vs {off_high['rps']:.0f}/s)",
                speedup >= SEARCH_SPEEDUP,
            )
        )
    else:
        targets.append(_unmeasured(name, goal))
    name, goal = f"repeated search p95, {_clients(r.low)}", f"< {SEARCH_P95_ONE_CLIENT_MS:g} ms"
    on_low = r.timed("on", "search_repeated", r.low)
    if on_low:
        targets.append(
            Target(name, goal, f"{on_low['p95']:.2f} ms", on_low["p95"] < SEARCH_P95_ONE_CLIENT_MS)
        )
    else:
        targets.append(_unmeasured(name, goal))
    name, goal = f"repeated search p95, {_clients(r.high)}", f">= {SEARCH_SPEEDUP:g}x lower than Redis off"
    if on_high and off_high:
        factor = off_high["p95"] / on_high["p95"]
        measured = f"{factor:.1f}x ({on_high['p95']:.1f} vs {off_high['p95']:.1f} ms)"
        targets.append(Target(name, goal, measured, factor >= SEARCH_SPEEDUP))
    else:
        targets.append(_unmeasured(name, goal))
    return targets


def _delivery(r: Results) -> Target:
    name = "cross-instance delivery p95"
    goal = f"< {DELIVERY_P95_MS:g} ms with {DELIVERY_SOCKETS} sockets over 2 instances"
    fan = r.doc.get("fanout") or {}
    if "p95" not in fan:
        return _unmeasured(name, goal)
    complete = fan["delivered"] == fan["expected"]
    measured = (
        f"{fan['p95']:.1f} ms ({fan['clients']} sockets, {fan['delivered']}/{fan['expected']} delivered)"
    )
    met = fan["p95"] < DELIVERY_P95_MS and complete and fan["clients"] >= DELIVERY_SOCKETS
    return Target(name, goal, measured, met)


def _mixed_queries(r: Results) -> Target:
    name, goal = "mixed: DB queries per request", f">= {MIXED_QUERY_REDUCTION:.0%} lower than Redis off"
    on, off = r.counts("on", "mixed"), r.counts("off", "mixed")
    if not on or not off:
        return _unmeasured(name, goal)
    cut = reduction(off["db_queries"], on["db_queries"])
    measured = f"{_lower(cut)} ({on['db_queries']:.2f} vs {off['db_queries']:.2f})"
    return Target(name, goal, measured, not math.isnan(cut) and cut >= MIXED_QUERY_REDUCTION)


def _read_p95(r: Results, scenario: str) -> Target:
    name = f"{scenario} p95, {_clients(r.high)}"
    goal = f">= {READ_P95_REDUCTION:.0%} lower than Redis off"
    on, off = r.timed("on", scenario, r.high), r.timed("off", scenario, r.high)
    if not on or not off:
        return _unmeasured(name, goal)
    cut = reduction(off["p95"], on["p95"])
    measured = f"{_lower(cut)} ({on['p95']:.1f} vs {off['p95']:.1f} ms)"
    return Target(name, goal, measured, not math.isnan(cut) and cut >= READ_P95_REDUCTION)


def evaluate(document: dict[str, Any], read_scenarios: list[str]) -> list[Target]:
    """Every target, in the issue's order (``read_scenarios``: those the p95 target covers)."""
    r = Results(document)
    return [
        *(_zero_queries(r, page) for page in ZERO_QUERY_PAGES),
        *_search_targets(r),
        _delivery(r),
        _mixed_queries(r),
        *(_read_p95(r, scenario) for scenario in read_scenarios),
    ]


def read_scenarios(document: dict[str, Any]) -> list[str]:
    """The measured scenarios that are reads (the "p95 at least 70 % lower" target covers them)."""
    measured = {row["scenario"] for row in document.get("timed", [])}
    return [s.name for s in scenarios(password="") if s.read and s.name in measured]
