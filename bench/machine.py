"""What a run ran on: CPU, memory, OS and versions, load average, commit (for the results file)."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from tools.redis_process import find_redis_server

ROOT = Path(__file__).resolve().parent.parent


def _field(path: str, prefix: str, separator: str) -> str | None:
    """The value of the first line of ``path`` starting with ``prefix`` (None if there is none)."""
    file = Path(path)
    if not file.exists():
        return None
    for line in file.read_text().splitlines():
        if line.startswith(prefix):
            return line.split(separator, 1)[1].strip().strip('"')
    return None


def _redis_version() -> str:
    words = subprocess.run([find_redis_server(), "--version"], capture_output=True, text=True).stdout.split()
    return next((word.split("=", 1)[1] for word in words if word.startswith("v=")), "?")


def describe(postgres_version: str) -> dict[str, Any]:
    memory_kib = _field("/proc/meminfo", "MemTotal", ":")
    return {
        "cpu": _field("/proc/cpuinfo", "model name", ":") or platform.processor() or "unknown CPU",
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory_kib.split()[0]) / 1024 / 1024) if memory_kib else None,
        "os": _field("/etc/os-release", "PRETTY_NAME=", "=") or platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres_version,
        "redis": _redis_version(),
    }


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


BUSY_LOAD = 1.5  # one-minute load average above which a 2-core machine is not quiet


def busy() -> bool:
    """Is something else keeping this machine busy right now?"""
    return os.getloadavg()[0] > BUSY_LOAD


def commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "?"
