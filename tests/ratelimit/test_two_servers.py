"""Two app server processes sharing one Redis share one budget: the limit holds across instances.

Starts two gunicorn processes on free ports against a SQLite file migrated in a temp dir, with this
test's Redis key prefix, and sends more requests than the general limit, alternating between them.
The servers' logs must hold no traceback.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from tests.server_logs import assert_clean_logs
from tools.redis_process import free_port

pytestmark = [pytest.mark.slow]
LIMIT = 100
REQUESTS = 130
STARTUP_SECONDS = 60.0


def status_of(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_serving(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on port {port} exited:\n{log.read_text()[-3000:]}")
        try:
            if status_of(port, "/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server on port {port} did not start:\n{log.read_text()[-3000:]}")


def tracebacks(tmp_path: Path) -> list[str]:
    """The server logs (``server-<port>.log``) that contain a traceback."""
    return [log.name for log in sorted(tmp_path.glob("server-*.log")) if "Traceback" in log.read_text()]


@pytest.fixture
def two_servers(tmp_path: Path, redis_key_prefix: str) -> Iterator[list[int]]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": settings.REDIS_ROLES["state"].url,
        "REDIS_KEY_PREFIX": redis_key_prefix,
        "RATE_LIMIT_POLICIES_JSON": json.dumps({"general": {"limit": LIMIT, "window": 60}}),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
    }
    for name in ("REDIS_CACHE_URL", "REDIS_STATE_URL", "REDIS_CHANNELS_URL", "REDIS_SENTINELS"):
        env.pop(name, None)
    root = Path(settings.BASE_DIR)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:
            log = tmp_path / f"server-{port}.log"
            command = [
                sys.executable, "-m", "gunicorn", "trackeep.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
            ]  # fmt: skip
            with log.open("wb") as out:
                processes.append(
                    (subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=out), port, log)
                )
        for process, port, log in processes:
            wait_until_serving(process, port, log)
        yield ports
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert_clean_logs({log.name: log.read_text() for _, _, log in processes})


def test_two_servers_sharing_redis_admit_exactly_the_limit_between_them(
    two_servers: list[int], tmp_path: Path
) -> None:
    targets = [two_servers[n % 2] for n in range(REQUESTS)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda port: (port, status_of(port, "/no-such-page/")), targets))
    admitted = [port for port, status in statuses if status != 429]
    assert len(admitted) == LIMIT
    assert set(admitted) == set(two_servers)  # both instances admitted part of the one budget
    assert all(status in (302, 404, 429) for _, status in statuses)
    assert tracebacks(tmp_path) == []
