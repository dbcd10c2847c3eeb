"""Worker and scheduler processes for the job tests, and their logs for the shared failure check.

A test that makes a job fail on purpose expects the worker to log that job's traceback:
``expected_tracebacks`` names it (a text of the traceback's last line), and ``checked_log()`` is the
log without those tracebacks, for ``tests.server_logs.assert_clean_logs``.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections

STOP_SECONDS = 15.0
# A whole traceback: its header, the indented frames, and the exception line at the end.
TRACEBACK = re.compile(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n|\n)*(?P<last>.*)$", re.MULTILINE)


@dataclass
class JobProcess:
    """One ``manage.py`` command in its own process, stdout and stderr in ``log``."""

    name: str
    log: Path
    proc: subprocess.Popen[bytes]
    expected_tracebacks: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM (RQ's warm shut-down), SIGKILL when it takes too long; then nothing of it is left."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=STOP_SECONDS)
        self.kill()

    def kill(self) -> None:
        """SIGKILL to the process and the children in its group (a worker's scheduler): none of them
        gets a chance to clean up or tell Redis. A job's child process has a group of its own."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def checked_log(self) -> str:
        """The log without the tracebacks whose exception line names one of ``expected_tracebacks``."""

        def unless_expected(match: re.Match[str]) -> str:
            expected = any(text in match.group("last") for text in self.expected_tracebacks)
            return "" if expected else match.group(0)

        return TRACEBACK.sub(unless_expected, self.output())


def start(name: str, command: Iterable[str], env: dict[str, str], logs: Path) -> JobProcess:
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, for kill()
        )
    return JobProcess(name=name, log=log, proc=proc)


def wait_for(
    condition: Callable[[], object], what: str, processes: Iterable[JobProcess], timeout: float
) -> None:
    """Poll ``condition`` until true; fail with the processes' logs if it is not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name} ---\n{p.output()[-4000:]}" for p in processes)
            raise AssertionError(f"timed out waiting for {what}\n{logs}")
        time.sleep(0.05)


def subprocess_env(redis_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker or scheduler: this test's Redis, short periods, the sample app."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis_url,
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_ABANDONED_GRACE_SECONDS": "2",
        "JOBS_MAINTENANCE_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    for name in ("REDIS_CACHE_URL", "REDIS_STATE_URL", "REDIS_CHANNELS_URL", "REDIS_SENTINELS"):
        env.pop(name, None)
    return env


def database_url() -> str:
    """The URL of the test's database (a file for SQLite, see the root conftest), for other processes."""
    database = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return (
        f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
