"""The job tests' log check drops only the tracebacks a test expects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.jobs.processes import JobProcess
from tests.server_logs import failures_in

LOG = """\
INFO rq.worker: w1: default: tests.jobs.sampleapp.jobs.always_fails('k')
ERROR rq.worker: [Job 1]: exception raised while executing (tests.jobs.sampleapp.jobs.always_fails)
Traceback (most recent call last):
  File "/app/rq/worker/base.py", line 1, in perform_job
    rv = job.perform()
  File "/app/tests/jobs/sampleapp/jobs.py", line 9, in always_fails
    raise RuntimeError("planned failure of always_fails")
RuntimeError: planned failure of always_fails
INFO rq.worker: w1: default: Job OK (2)
Traceback (most recent call last):
  File "/app/rq/scheduler.py", line 1, in run
    scheduler.work()
redis.exceptions.ConnectionError: Connection closed by server.
"""


def test_only_expected_tracebacks_are_dropped(tmp_path: Path) -> None:
    log = tmp_path / "w1.log"
    log.write_text(LOG)
    process = JobProcess("w1", log, subprocess.Popen([sys.executable, "-c", ""]))
    process.proc.wait()
    found = "\n".join(failures_in(process.checked_log()))
    assert "planned failure" in found and "Connection closed by server" in found
    process.expected_tracebacks.append("planned failure of always_fails")
    found = "\n".join(failures_in(process.checked_log()))
    assert "Connection closed by server" in found and "planned failure" not in found
