"""Start several Trackeep app servers (Daphne) that share one Redis and one SQLite database file.

Used by the cross-instance messaging tests, the browser test and ``bench.fanout``: every instance is a
separate process, so a message only reaches a socket on another instance through the Redis channel
layer. Everything listens on 127.0.0.1 and is stopped by ``stop()`` (or the context manager).

The database is a migrated SQLite file in a temporary directory, in WAL mode, opened with
``transaction_mode=IMMEDIATE`` and a busy timeout so that concurrent writers from several processes
wait for each other instead of failing. ``seed()`` creates users, their sessions and conversations in
it by running this module in a subprocess with the same environment (``python -m bench.appservers
seed < spec.json``), so the caller's own Django configuration is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.redis_process import free_port

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0


def _database_url(path: Path) -> str:
    return f"sqlite:///{path}?timeout=30&transaction_mode=IMMEDIATE"


def base_env(database: Path, redis_url: str, key_prefix: str) -> dict[str, str]:
    """The environment of every process of one cluster (servers, migrations, seeding)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "trackeep.settings",
            "TRACKEEP_MODE": "development",
            "DEBUG": "false",
            "DATABASE_URL": _database_url(database),
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": key_prefix,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def migrate(database: Path, redis_url: str, key_prefix: str) -> Path:
    """Create and migrate the database file, and switch it to WAL (a persistent property)."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=base_env(database, redis_url, key_prefix),
        check=True,
        timeout=300,
    )
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    return database


def _wait_for_http(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"app server did not answer {url} within {STARTUP_TIMEOUT_SECONDS}s")


@dataclass
class AppCluster:
    """``instances`` Daphne processes on free loopback ports, one database file, one Redis."""

    redis_url: str
    key_prefix: str
    instances: int = 2
    template: Path | None = None  # an already migrated database file to copy (saves the migrations)
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. CHANNEL_LAYER, REDIS_CHANNELS_URL
    workers: int = 0  # job workers (manage.py jobs_worker) next to the servers, on the same Redis
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tk-cluster-")))
    ports: list[int] = field(default_factory=list)
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Each server's log (name -> text) as it was after stop(), which removes the work directory.
    final_logs: dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.workdir / "db.sqlite3"

    @property
    def env(self) -> dict[str, str]:
        return {**base_env(self.database, self.redis_url, self.key_prefix), **self.extra_env}

    def url(self, index: int, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[index]}{path}"

    def ws_url(self, index: int, path: str) -> str:
        return f"ws://127.0.0.1:{self.ports[index]}{path}"

    def log_path(self, index: int) -> Path:
        """Where instance ``index`` writes its output (stdout and stderr)."""
        return self.workdir / f"daphne-{index}.log"

    def start(self) -> AppCluster:
        if self.template is not None:
            shutil.copyfile(self.template, self.database)
        else:
            migrate(self.database, self.redis_url, self.key_prefix)
        try:
            for index in range(self.instances):
                port = free_port()
                with self.log_path(index).open("wb") as out:
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                         "trackeep.asgi:application"],
                        cwd=ROOT,
                        env=self.env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                self._procs.append(proc)
                self.ports.append(port)
            for index, proc in enumerate(self._procs):
                _wait_for_http(self.url(index, "/healthz"), proc, self.log_path(index))
            for index in range(self.workers):
                with (self.workdir / f"worker-{index}.log").open("wb") as out:
                    command = [sys.executable, "manage.py", "jobs_worker", "--name", f"cluster-{index}"]
                    worker = subprocess.Popen(
                        command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
                    )
                self._procs.append(worker)
        except BaseException:
            self.stop()
            raise
        return self

    def seed(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Run ``seed_database(spec)`` in a subprocess against this cluster's database."""
        result = subprocess.run(
            [sys.executable, "-m", "bench.appservers", "seed"],
            cwd=ROOT,
            env=self.env,
            input=json.dumps(spec).encode(),
            capture_output=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"seeding failed:\n{result.stderr.decode()[-3000:]}")
        return dict(json.loads(result.stdout))

    def stop(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs.clear()
        self.final_logs = {
            log.name: log.read_text(errors="replace") for log in sorted(self.workdir.glob("*.log"))
        }
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> AppCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def http_json(
    url: str, session_key: str, data: dict[str, str] | None = None, timeout: float = 10.0
) -> tuple[int, Any]:
    """GET (or POST ``data`` as a form) with a session cookie and a CSRF token; JSON back."""
    csrf = "a" * 32  # any well-formed token works when cookie and header agree
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")
    request.add_header("Cookie", f"sessionid={session_key}; csrftoken={csrf}")
    request.add_header("X-CSRFToken", csrf)
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()[:500]


# --- seeding (runs inside the subprocess, with Django configured for the cluster) -----------------


def seed_database(spec: dict[str, Any]) -> dict[str, Any]:
    """Create ``spec["usernames"]`` with one session each, then the conversations asked for:
    ``direct: [a, b]`` and ``group: {"name": ..., "owner": a, "members": [...] or "all"}``."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from messaging import services

    users = {}
    for name in spec.get("usernames", []):
        # No usable password: sessions are created directly, and hashing hundreds of passwords is slow.
        user = get_user_model().objects.create_user(username=name, email=f"{name}@example.com", password=None)
        client = Client()
        client.force_login(user)
        users[name] = {"id": user.pk, "session": client.cookies["sessionid"].value, "_user": user}
    out: dict[str, Any] = {}
    if spec.get("direct"):
        a, b = spec["direct"]
        out["direct"] = services.start_direct(users[a]["_user"], users[b]["_user"]).pk
    if spec.get("group"):
        group = spec["group"]
        names = list(users) if group.get("members") == "all" else group["members"]
        owner = users[group["owner"]]["_user"]
        out["group"] = services.create_group(owner, group["name"], [users[n]["_user"] for n in names]).pk
    out["users"] = {name: {"id": u["id"], "session": u["session"]} for name, u in users.items()}
    return out


if __name__ == "__main__":
    if sys.argv[1:] != ["seed"]:
        sys.exit("usage: python -m bench.appservers seed < spec.json")
    json.dump(seed_database(json.load(sys.stdin)), sys.stdout)
