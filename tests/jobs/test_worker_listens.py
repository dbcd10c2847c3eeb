"""``manage.py jobs_worker`` listens for system events (core.system_events) while it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core import system_events
from tests.jobs.processes import start, subprocess_env, wait_for
from tests.redis_support import point_roles_at
from tests.server_logs import assert_clean_logs
from tools.redis_process import RedisProcess

pytestmark = pytest.mark.slow


def test_a_job_worker_hears_system_events(
    job_redis: RedisProcess, job_redis_url: str, redis_key_prefix: str, tmp_path: Path, settings: Any
) -> None:
    point_roles_at(settings, job_redis_url)  # publish where the worker listens, under this test's prefix
    env = subprocess_env(job_redis_url, tmp_path, REDIS_KEY_PREFIX=redis_key_prefix)
    worker = start("w1", ["jobs_worker", "--name", "w1"], env, tmp_path)
    try:
        wait_for(lambda: system_events.invalidate_caches() == 1, "the worker subscribed", [worker], 30)
    finally:
        worker.stop()
    assert_clean_logs({worker.name: worker.checked_log()})
