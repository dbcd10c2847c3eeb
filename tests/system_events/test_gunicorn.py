"""gunicorn with the shipped ``gunicorn.conf.py``: every worker listens for system events, and a worker
that exits has its live gauges dropped from the multiprocess metrics directory (``child_exit``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.appservers import ROOT, base_env
from tests.server_logs import assert_clean_logs, checked_redis
from tools.redis_process import RedisProcess, free_port

pytestmark = pytest.mark.slow
WORKERS = 2
BOUND_SECONDS = 30.0


def wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + BOUND_SECONDS
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"not reached within the bound: {what}"
        time.sleep(0.05)


def worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(pid) for pid in children}


@pytest.fixture
def gunicorn(
    migrated_database: Path, redis_key_prefix: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, str], Path]]:
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    database = tmp_path / "db.sqlite3"
    database.write_bytes(migrated_database.read_bytes())
    log = tmp_path / "gunicorn.log"
    with checked_redis(RedisProcess(data_dir=tmp_path / "redis")) as server:
        env = {**base_env(database, server.url, redis_key_prefix), "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        command = [
            sys.executable, "-m", "gunicorn", "trackeep.wsgi:application", "--preload",
            "--bind", f"127.0.0.1:{free_port()}", "--workers", str(WORKERS),
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process, env, metrics
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert_clean_logs({log.name: log.read_text()})


def invalidate_all(env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "system_events", "--invalidate", "all"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def test_each_worker_listens_and_an_exited_workers_live_gauges_are_dropped(
    gunicorn: tuple[subprocess.Popen[bytes], dict[str, str], Path],
) -> None:
    process, env, metrics = gunicorn
    wait_for(lambda: f"in {WORKERS} listening process(es)" in invalidate_all(env), "both workers subscribed")
    pids = worker_pids(process.pid)
    assert len(pids) == WORKERS
    # Each worker's breakers report "closed" to the live gauge as soon as it has connected.
    wait_for(lambda: all((metrics / f"gauge_livemax_{pid}.db").exists() for pid in pids), "live gauge files")
    gone = min(pids)
    os.kill(gone, signal.SIGKILL)
    wait_for(lambda: not (metrics / f"gauge_livemax_{gone}.db").exists(), "the dead worker's file removed")
    assert all((metrics / f"gauge_livemax_{pid}.db").exists() for pid in pids - {gone})
    wait_for(
        lambda: f"in {WORKERS} listening process(es)" in invalidate_all(env), "its replacement listening"
    )
