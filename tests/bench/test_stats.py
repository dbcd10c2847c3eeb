"""The harness's statistics, target checks and report plumbing, on made-up figures."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import delivery, report
from bench.stats import percentile, reduction, summarize
from bench.targets import evaluate


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


def _timed(mode: str, scenario: str, clients: int, rps: float, p95: float) -> dict[str, object]:
    return {"mode": mode, "scenario": scenario, "clients": clients, "requests": 100, "rps": rps, "p95": p95}


def _counts(mode: str, scenario: str, db: float, trips: float) -> dict[str, object]:
    return {"mode": mode, "scenario": scenario, "requests": 50, "db_queries": db, "redis_round_trips": trips}


def test_targets_met_missed_and_not_measured() -> None:
    doc = {
        "timed": [
            _timed("on", "minimal", 32, 1000, 30), _timed("off", "minimal", 32, 1000, 30),
            _timed("on", "search_repeated", 1, 300, 3.5), _timed("off", "search_repeated", 1, 100, 9),
            _timed("on", "search_repeated", 32, 600, 20), _timed("off", "search_repeated", 32, 100, 100),
            _timed("on", "home", 32, 500, 40), _timed("off", "home", 32, 200, 100),
        ],
        "counts": [
            _counts("on", "home", 0, 3), _counts("on", "search_repeated", 0, 3),
            _counts("on", "profile", 0, 4), _counts("on", "mixed", 0.2, 3), _counts("off", "mixed", 4.0, 0),
        ],
        "fanout": {"clients": 200, "p95": 12.0, "delivered": 10_000, "expected": 10_000},
    }  # fmt: skip
    results = {t.name + " / " + t.goal: t.met for t in evaluate(doc, ["search_repeated", "home", "profile"])}
    assert results["home: warm, Redis on / 0 DB queries and <= 3 Redis round trips per request"] is True
    assert results["profile: warm, Redis on / 0 DB queries and <= 3 Redis round trips per request"] is False
    assert results["repeated search throughput, 32 clients / >= 50% of the minimal view's"] is True
    assert results["repeated search throughput, 32 clients / >= 4x Redis off"] is True
    assert results["repeated search p95, 1 client / < 4 ms"] is True
    assert results["repeated search p95, 32 clients / >= 4x lower than Redis off"] is True
    assert results["cross-instance delivery p95 / < 20 ms with 200 sockets over 2 instances"] is True
    assert results["mixed: DB queries per request / >= 90% lower than Redis off"] is True
    assert results["home p95, 32 clients / >= 70% lower than Redis off"] is False  # 60 % lower
    assert results["profile p95, 32 clients / >= 70% lower than Redis off"] is None  # not measured


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


def test_docs_section_and_chart_are_rewritten_from_a_run(tmp_path: Path) -> None:
    doc = {
        "meta": {
            "started": "2025-01-01T00:00:00+00:00", "results_file": "bench/results/x.json", "commit": "abc",
            "machine": {"cpu": "CPU", "cores": 2, "memory_gib": 24, "os": "Debian", "python": "3.11",
                        "postgres": "15", "redis": "7.0"},
            "load_before": "0.5", "load_after": "0.7", "command": "python -m bench", "workers": 3,
            "users": 10, "items": 5000, "seed_seconds": 20.0, "warmup": 2.0, "duration": 8.0,
            "count_requests": 100, "total_seconds": 600.0,
        },
        "timed": [_timed("off", "home", 32, 100, 80.0) | {"p50": 1, "p99": 1, "errors": 0},
                  _timed("on", "home", 32, 400, 20.0) | {"p50": 1, "p99": 1, "errors": 0}],
        "counts": [],
    }  # fmt: skip
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\nprose\n\n{report.DOCS_START}\nold\n{report.DOCS_END}\n\nmore prose\n")
    report.update_docs(doc, page)
    text = page.read_text()
    assert "old" not in text and text.startswith("# Benchmarks\n\nprose") and text.endswith("more prose\n")
    assert (
        "| home | 32 | 100 |" in text
        and "4.0x" in text
        and "| home p95, 32 clients | >= 70% lower than Redis off | 75% lower (20.0 vs 80.0 ms) | met |"
        in text
    )
    chart = (tmp_path / report.CHART_NAME).read_text()
    assert (
        chart.startswith("<svg") and "home, 32 clients" in chart and ">80.0<" in chart and ">20.0<" in chart
    )
