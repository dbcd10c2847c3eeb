"""The system under test, started the way docker-compose.yml runs it, on loopback only.

- PostgreSQL: a database of the run's own (``python -m bench``: ``bench_<pid>``) on a loopback server,
  created (dropped first if it exists), migrated, filled with ``manage.py seed_demo`` and dropped.
- Redis: two private ``redis-server`` processes (``tools.redis_process``) shaped like the compose
  file's ``redis-state`` (noeviction, AOF every second; also the Channels layer) and ``redis-cache``
  (allkeys-lfu, no persistence).
- HTTP: gunicorn sync workers serving ``trackeep.wsgi``, as many as compose's ``WEB_CONCURRENCY``
  default. Compose's production mode needs TLS and collected static files, so the bench runs
  ``TRACKEEP_MODE=development`` with ``DEBUG=false`` (no query log) and no access log, but otherwise
  with the Dockerfile's own gunicorn flags (``--preload``, jittered ``--max-requests`` recycling):
  the bench measures the shipped server shape, not a friendlier one. ``recycling=False`` leaves the
  recycling flags out (the comparison that shows what recycling costs).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tools.redis_process import RedisProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
# The Dockerfile's flags the bench sets itself (its own port) or leaves off (the access log).
LOCAL_FLAGS = ("--bind", "--access-logfile")
RECYCLING_FLAGS = ("--max-requests", "--max-requests-jitter")
SWITCHES = ("--preload",)  # gunicorn options of the CMD that take no value
DEFAULT_WORKERS = 2
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
# Nothing may be denied during a measurement: same policies and algorithms, budgets out of reach (the
# largest a sliding-window counter takes: its two 24-bit counts; a few thousand requests a minute
# per user is all a run makes).
UNLIMITED = 2**24 - 1
REDIS_FLAGS = (
    "REDIS_SESSIONS_ENABLED",
    "REDIS_CACHE_ENABLED",
    "REDIS_RATELIMIT_ENABLED",
    "REDIS_PUBSUB_ENABLED",
)


def compose_workers(path: Path = COMPOSE_FILE) -> int:
    """gunicorn workers the compose file gives the web service (``WEB_CONCURRENCY`` default)."""
    if not path.exists():
        return DEFAULT_WORKERS
    match = re.search(r"WEB_CONCURRENCY:\s*\$\{WEB_CONCURRENCY:-(\d+)\}", path.read_text())
    return int(match.group(1)) if match else DEFAULT_WORKERS


def shipped_gunicorn_flags(path: Path = DOCKERFILE, recycling: bool = True) -> list[str]:
    """The gunicorn options of the Dockerfile's CMD, less the bind address and the access log (and
    less ``--max-requests``/``--max-requests-jitter`` when ``recycling`` is false)."""
    match = re.search(r"^CMD (\[.*?\])\s*$", path.read_text().replace("\\\n", ""), re.M)
    if match is None:
        raise SystemExit(f"no CMD in {path}")
    command = json.loads(match.group(1))
    if command[:2] != ["gunicorn", "trackeep.wsgi:application"]:
        raise SystemExit(f"the CMD of {path} is not gunicorn serving trackeep.wsgi")
    left_out = LOCAL_FLAGS + (() if recycling else RECYCLING_FLAGS)
    flags: list[str] = []
    options = iter(command[2:])
    for option in options:
        value = [] if option in SWITCHES else [next(options)]
        if option not in left_out:
            flags += [option, *value]
    return flags


def require_loopback(url: str) -> None:
    """Refuse any server that is not on this machine's loopback."""
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"refusing a non-loopback target: {url}")


@dataclass
class Database:
    """A PostgreSQL database of the benchmark's own on a loopback server."""

    server_url: str  # postgres://user@127.0.0.1:5432/ (the database part is ignored)
    name: str

    @property
    def url(self) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{self.name}", "", ""))

    def _admin(self) -> psycopg.Connection:
        parts = urlsplit(self.server_url)
        return psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True)

    def recreate(self) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name):
            raise SystemExit(f"not a plain database name: {self.name!r}")
        with self._admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {self.name}")

    def drop(self) -> None:
        with self._admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def version(self) -> str:
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


@dataclass
class RedisPair:
    """The compose file's two Redis roles as private processes."""

    state: RedisProcess = field(
        default_factory=lambda: RedisProcess(
            extra_args=("--maxmemory", "256mb", "--maxmemory-policy", "noeviction", "--appendonly", "yes",
                        "--appendfsync", "everysec", "--save", "")
        )
    )  # fmt: skip
    cache: RedisProcess = field(
        default_factory=lambda: RedisProcess(
            extra_args=("--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lfu", "--appendonly", "no",
                        "--save", "")
        )
    )  # fmt: skip

    def start(self) -> RedisPair:
        self.state.start()
        try:
            self.cache.start()
        except BaseException:
            self.state.stop()
            raise
        return self

    def stop(self) -> None:
        self.cache.stop()
        self.state.stop()

    def env(self) -> dict[str, str]:
        return {
            "REDIS_STATE_URL": self.state.url,
            "REDIS_CHANNELS_URL": self.state.url,
            "REDIS_CACHE_URL": self.cache.url,
            "REDIS_URL": self.state.url,
        }


def app_env(
    database: Database,
    redis: RedisPair,
    media_root: Path,
    secret_key: str,
    redis_on: bool,
    production_limits: bool = False,
) -> dict[str, str]:
    """The environment of every app process in one mode (Redis features on or off). One
    ``secret_key`` per run: sessions signed by one server must stay valid on the next. Rate limits
    keep their policies and algorithms but with budgets out of reach, unless ``production_limits``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "PYTEST_"))}
    env.update(redis.env())
    env.update({flag: "true" if redis_on else "false" for flag in REDIS_FLAGS})
    # Redis off is the seed's "before": no cache at all, not a per-process memory cache.
    env["REDIS_CACHE_FALLBACK"] = "local" if redis_on else "none"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "trackeep.settings",
            "TRACKEEP_MODE": "development",
            "DEBUG": "false",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database.url,
            "REDIS_KEY_PREFIX": "tk",
            "MEDIA_ROOT": str(media_root),
            "LOG_LEVEL": "WARNING",
            "CONTENT_FETCH_METADATA": "false",  # never fetch pages from the network
            "PYTHONPATH": str(ROOT),
        }
    )
    if not production_limits:
        env["RATE_LIMIT_POLICIES_JSON"] = json.dumps(
            {"general": {"limit": UNLIMITED}, "search": {"limit": UNLIMITED}}
        )
        env["LOGIN_ATTEMPTS_LIMIT"] = str(UNLIMITED)
    return env


def python(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    """Run Python in the repository with ``env``; its output, or SystemExit with the error."""
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` with ``env``; its output."""
    return python(env, "manage.py", *args)


@dataclass
class Gunicorn:
    """gunicorn sync workers on a free loopback port."""

    env: dict[str, str]
    workers: int
    recycling: bool = True  # the Dockerfile's --max-requests (with its jitter)
    port: int = field(default_factory=free_port)
    _proc: subprocess.Popen[bytes] | None = None
    _log: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        handle, name = tempfile.mkstemp(prefix="tk-bench-gunicorn-", suffix=".log")
        os.close(handle)
        self._log = Path(name)
        with self._log.open("wb") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "trackeep.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                 *shipped_gunicorn_flags(recycling=self.recycling)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self._proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {STARTUP_TIMEOUT_SECONDS}s:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("gunicorn is not running")
        return self._proc.pid

    def log(self) -> str:
        return self._log.read_text(errors="replace") if self._log and self._log.exists() else ""

    def recycles(self) -> int:
        """Workers that reached ``--max-requests`` so far (gunicorn logs each one)."""
        return self.log().count("Autorestarting worker after current request")

    def tracebacks(self) -> int:
        return self.log().count("Traceback (most recent call last)")

    def log_tail(self) -> str:
        return self._log.read_text(errors="replace")[-3000:] if self._log and self._log.exists() else ""

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self._log is not None:
            self._log.unlink(missing_ok=True)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
