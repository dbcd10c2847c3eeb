"""``bench.rows`` and ``bench.scenarios``: the interleaved plan and issue 12's met/missed verdicts, on
made-up results (no server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import report, rows
from bench.scenarios import HIGH, LOW, PLAN, READ_PAGES, schedule, variants_used


def test_the_schedule_interleaves_variants_within_every_round() -> None:
    steps = schedule(3)
    per_round = sum(len(m.variants) for m in PLAN)
    assert len(steps) == 3 * per_round
    assert [s.round for s in steps] == [r for r in (1, 2, 3) for _ in range(per_round)]
    # Each measurement's variants run back to back: on, off, on, off ... (A/B/A/B).
    home = [(s.round, s.variant) for s in steps if (s.page, s.clients) == ("home", HIGH)]
    assert home == [(r, v) for r in (1, 2, 3) for v in ("on", "off", "prodlimits")]
    first = steps[:per_round]
    for index, step in enumerate(first[:-1]):
        following = first[index + 1]
        if (following.page, following.clients) == (step.page, step.clients):
            assert following.variant != step.variant
    assert variants_used() == ["on", "off", "norecycle", "prodlimits"]
    # Every read page is measured on and off at 32 clients; the 1-client rows exist too.
    measured = {(m.page, m.clients): m.variants for m in PLAN}
    assert all({"on", "off"} <= set(measured[(page, HIGH)]) for page in READ_PAGES)
    assert {"on", "off"} <= set(measured[("bookmarks", LOW)]) and "on" in measured[("search", LOW)]


def _passes(page: str, clients: int, variant: str, **per_round: list[float]) -> list[dict[str, Any]]:
    count = len(next(iter(per_round.values()), [0, 0, 0]))
    out = []
    for index in range(count):
        row: dict[str, Any] = {"round": index + 1, "page": page, "clients": clients, "variant": variant}
        row |= {"client_cpu": 0.1, "server_cpu": 1.8, "status_errors": 0, "socket_errors": 0}
        row |= {"rps": 100.0, "p50": 1.0, "p95": 5.0, "p99": 9.0, "answered_rps": 100.0, "status_share": 0.0}
        row |= {field: values[index] for field, values in per_round.items()}
        out.append(row)
    return out


def _document() -> dict[str, Any]:
    passes = [
        *_passes("bookmarks", LOW, "on", p95=[8.0, 12.0, 9.0], rps=[400, 300, 410]),
        *_passes("bookmarks", LOW, "off", rps=[100, 100, 100]),
        *_passes("search", LOW, "on", p95=[3.0, 3.5, 3.9]),
        *_passes("search", LOW, "off"),
        *_passes("search", HIGH, "on", rps=[600, 100, 600], p95=[20, 30, 20]),
        *_passes("minimal", HIGH, "on", rps=[1000, 400, 1000], p99=[33, 40, 30]),
        *_passes("minimal", HIGH, "norecycle", rps=[1000, 380, 1000], p99=[29, 50, 28]),
        *_passes("home", HIGH, "on", p95=[30, 30, 30]),
        *_passes("home", HIGH, "off", p95=[100, 100, 100]),
        *_passes("home", HIGH, "prodlimits", status_share=[0.9, 0.95, 0.9]),
        *_passes("bookmarks", HIGH, "on", p95=[50, 50, 50]),
        *_passes("bookmarks", HIGH, "off", p95=[100, 100, 100]),
        *_passes("search", HIGH, "off", p95=[100, 100, 100]),
        *_passes("tasks", HIGH, "on", p95=[30, 30, 30]),
        *_passes("tasks", HIGH, "off", p95=[100, 100, 100]),
        # notes: not measured
    ]
    return {
        "meta": {"rounds": 3},
        "passes": passes,
        "counts": [{"page": "bookmarks", "requests": 50, "errors": 0, "db_queries": 0.02,
                    "db_queries_median": 0, "db_queries_max": 1, "redis_round_trips": 3.0,
                    "redis_round_trips_max": 3}],
        "recycles": {"on": 2, "norecycle": 0},
        "delivery": {"sockets": 200, "instances": 2, "messages": 50, "delivered": 10_000, "expected": 10_000,
                     "fanout_p95": 12.0, "incl_post_p95": 60.0, "incl_post_p50": 30.0, "post_p95": 20.0},
        "memory": {"sessions": 10, "session_bytes": 480.0, "per_login_bytes": 600.0,
                   "general": {"algorithm": "sliding_window_counter", "limit": 100, "window": 60,
                               "keys": 1, "bytes": 160.0}},
    }  # fmt: skip


def test_every_row_of_issue_12_gets_its_verdict() -> None:
    verdicts = {(r.group.split(",")[0], r.what): r.verdict for r in rows.evaluate(_document())}
    assert verdicts[("bookmark list", "p95, Redis on")] == "met"  # median 9 ms, one round at 12
    assert verdicts[("bookmark list", "DB queries per request, warm repeated page (Redis on)")] == "met"
    assert verdicts[("bookmark list", "throughput, Redis on / off")] == "met"  # 4.0x, the median round
    assert verdicts[("repeated search throughput / minimal view (/healthz)", "Redis on")] == "met"
    assert verdicts[("repeated search p95", "Redis on")] == "met"
    group = "p95 cut vs Redis off"
    assert verdicts[(group, "home")] == "met"  # 70 % lower
    assert verdicts[(group, "bookmark list")] == "MISSED"  # 50 % lower
    assert verdicts[(group, "notes")] == "not measured"
    assert verdicts[(group, "tasks")] == "met"
    group = "shipped gunicorn shape vs no recycling"
    assert verdicts[(group, "throughput, shipped / no recycling")] == "met"  # per round 1.0, 1.05, 1.0
    assert (
        verdicts[(group, "p99, shipped / no recycling")] == "MISSED"
    )  # per round 1.14, 0.8, 1.07: median 1.07
    assert verdicts[("message delivery p95", "fan-out alone")] == "met"
    assert verdicts[("message delivery p95", "incl. POST")] == "MISSED"
    assert verdicts[("Redis memory per session", "MEMORY USAGE")] == "met"
    assert verdicts[("Redis memory per session", "per login incl. the user's session index")] == "info"
    assert verdicts[("general limit per identity", "sliding_window_counter, 100/60 s")] == "MISSED"
    assert verdicts[("production rate limits (separate server)", "shipped budgets, Redis on")] == "info"
    assert verdicts[("bench: the load generator is not the bottleneck", "wrk")] == "met"


def test_missing_figures_are_not_measured_never_met() -> None:
    evaluated = rows.evaluate({"passes": [], "counts": []})
    assert evaluated and {r.verdict for r in evaluated} == {"not measured"}


def test_a_failed_round_is_left_out_and_a_loaded_client_is_flagged() -> None:
    doc = _document()
    for row in doc["passes"]:
        if (row["page"], row["clients"], row["variant"], row["round"]) == ("search", LOW, "on", 2):
            row["error"] = "wrk exited with 1"
        if (row["page"], row["variant"]) == ("minimal", "on"):
            row["client_cpu"] = 0.9  # half the server's 1.8 cores: the client is a bottleneck
    by_what = {(r.group.split(",")[0], r.what): r for r in rows.evaluate(doc)}
    assert by_what[("repeated search p95", "Redis on")].measured == "3.45 ms (3.00 to 3.90)"
    assert by_what[("bench: the load generator is not the bottleneck", "wrk")].verdict == "MISSED"


def test_the_docs_section_is_rewritten_from_a_run(tmp_path: Path) -> None:
    doc = _document()
    doc["meta"] = {
        "started": "2026-01-01T00:00:00+00:00", "results_file": "bench/results/x.json", "commit": "abc",
        "machine": {"cpu": "CPU", "cores": 2, "memory_gib": 24, "os": "Debian", "python": "3.11",
                    "postgres": "15", "redis": "7.0"},
        "load_before": "0.5", "load_after": "0.7", "command": "python -m bench", "workers": 3,
        "gunicorn": ["--preload"], "users": 10, "items": 5000, "seed_seconds": 20.0, "rounds": 3,
        "warmup": 1, "duration": 5, "count_requests": 50, "total_seconds": 600.0, "pages": {"home": "/"},
    }  # fmt: skip
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\nprose\n\n{report.DOCS_START}\nold\n{report.DOCS_END}\n\nmore prose\n")
    report.update_docs(doc, page)
    text = page.read_text()
    assert "old" not in text and text.startswith("# Benchmarks\n\nprose") and text.endswith("more prose\n")
    evaluated = rows.evaluate(doc)
    for row in evaluated:  # every row of the table, with its target and verdict
        assert f"| {row.what} | {row.measured} | {row.target} | {row.verdict} |" in text
    assert "| home | 32 | on |" in text
    # Server CPU per answer, round by round: 1.8 cores at 100 answers/s.
    assert "| 18.0 (18.0 to 18.0) |" in text
