"""Start several Trackeep app servers that share Redis and one database.

Used by the cross-instance messaging tests, the fault suite (tests/system), the browser test and
``bench.fanout``: every instance is a separate process, so a message only reaches a socket on another
instance through the Redis channel layer. Everything listens on 127.0.0.1 and is stopped by ``stop()``
(or the context manager).

An instance is one Daphne process serving HTTP and WebSockets (``http_server="daphne"``), or, as
docker-compose.yml runs it, gunicorn serving HTTP with the Dockerfile's flags plus a Daphne for the
sockets (``http_server="gunicorn"``): ``url()`` then names gunicorn's port and ``ws_url()`` Daphne's.
``stop_instance()`` and ``start_instance()`` restart one instance on the same ports. ``extra_env``
reaches every process (separate cache and state Redis URLs, limits), and ``database_url`` replaces the
SQLite file with another database (a PostgreSQL test database that is already migrated).

The database is a migrated SQLite file in a temporary directory, in WAL mode, opened with
``transaction_mode=IMMEDIATE`` and a busy timeout so that concurrent writers from several processes
wait for each other instead of failing. ``seed()`` creates users, their sessions and conversations in
it by running this module in a subprocess with the same environment (``python -m bench.appservers
seed < spec.json``), so the caller's own Django configuration is never touched.
"""

from __future__ import annotations

import http.client
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
from typing import Any, Literal

from bench.stack import shipped_gunicorn_flags
from tools.redis_process import free_port

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 120.0  # several servers importing Django at once on a busy machine
STOP_TIMEOUT_SECONDS = 10.0


def _database_url(path: Path) -> str:
    return f"sqlite:///{path}?timeout=30&transaction_mode=IMMEDIATE"


def base_env(
    database: Path, redis_url: str, key_prefix: str, database_url: str | None = None
) -> dict[str, str]:
    """The environment of every process of one cluster (servers, migrations, seeding)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "trackeep.settings",
            "TRACKEEP_MODE": "development",
            "DEBUG": "false",
            "DATABASE_URL": database_url or _database_url(database),
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


def _terminate(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM ``procs`` (gunicorn and Daphne shut down gracefully), SIGKILL what outlives the timeout."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class AppCluster:
    """``instances`` app instances on free loopback ports, one database, Redis as configured."""

    redis_url: str
    key_prefix: str
    instances: int = 2
    template: Path | None = None  # an already migrated database file to copy (saves the migrations)
    workers: int = 0  # job workers (manage.py jobs_worker) next to the servers, on the same Redis
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="tk-cluster-")))
    # "daphne": one Daphne per instance for everything; "gunicorn": gunicorn for HTTP + Daphne for sockets.
    http_server: Literal["daphne", "gunicorn"] = "daphne"
    gunicorn_workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. CHANNEL_LAYER, REDIS_SENTINELS
    database_url: str | None = None  # instead of the SQLite file (already migrated; not copied)
    ports: list[int] = field(default_factory=list)  # HTTP, per instance
    ws_ports: list[int] = field(default_factory=list)  # WebSocket (Daphne), per instance
    _procs: dict[tuple[int, str], subprocess.Popen[bytes]] = field(default_factory=dict)
    # Each server's log (name -> text) as it was after stop(), which removes the work directory.
    final_logs: dict[str, str] = field(default_factory=dict)

    @property
    def database(self) -> Path:
        return self.workdir / "db.sqlite3"

    @property
    def env(self) -> dict[str, str]:
        env = base_env(self.database, self.redis_url, self.key_prefix, self.database_url)
        env.update(self.extra_env)
        return env

    def url(self, index: int, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[index]}{path}"

    def ws_url(self, index: int, path: str) -> str:
        return f"ws://127.0.0.1:{self.ws_ports[index]}{path}"

    def log_path(self, index: int, server: str = "daphne") -> Path:
        """Where ``server`` ("daphne" or "gunicorn") of instance ``index`` writes stdout and stderr
        (appended to across restarts of the instance)."""
        return self.workdir / f"{server}-{index}.log"

    def _servers(self) -> tuple[str, ...]:
        return ("daphne",) if self.http_server == "daphne" else ("gunicorn", "daphne")

    def _command(self, server: str, port: int) -> list[str]:
        if server == "gunicorn":
            return [sys.executable, "-m", "gunicorn", "trackeep.wsgi:application",
                    "--bind", f"127.0.0.1:{port}", "--workers", str(self.gunicorn_workers),
                    *shipped_gunicorn_flags()]  # fmt: skip
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                "trackeep.asgi:application"]  # fmt: skip

    def start(self) -> AppCluster:
        if self.database_url is None:
            if self.template is not None:
                shutil.copyfile(self.template, self.database)
            else:
                migrate(self.database, self.redis_url, self.key_prefix)
        try:
            for _ in range(self.instances):
                http_port = free_port()
                self.ports.append(http_port)
                self.ws_ports.append(http_port if self.http_server == "daphne" else free_port())
            for index in range(self.instances):
                self._spawn(index)
            for index in range(self.instances):
                self._wait(index)
            for index in range(self.workers):
                self._spawn_worker(index)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, index: int) -> None:
        for server in self._servers():
            port = self.ports[index] if server == "gunicorn" else self.ws_ports[index]
            with self.log_path(index, server).open("ab") as out:
                self._procs[(index, server)] = subprocess.Popen(
                    self._command(server, port), cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
                )

    def _spawn_worker(self, index: int) -> None:
        with (self.workdir / f"worker-{index}.log").open("ab") as out:
            self._procs[(index, "worker")] = subprocess.Popen(
                [sys.executable, "manage.py", "jobs_worker", "--name", f"cluster-{index}"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def _wait(self, index: int) -> None:
        for server in self._servers():
            port = self.ws_ports[index] if server == "daphne" else self.ports[index]
            proc = self._procs[(index, server)]
            _wait_for_http(f"http://127.0.0.1:{port}/healthz", proc, self.log_path(index, server))

    def stop_instance(self, index: int) -> None:
        """SIGTERM every server of instance ``index`` (SIGKILL after ``STOP_TIMEOUT_SECONDS``) and wait."""
        procs = [
            self._procs.pop((index, server)) for server in self._servers() if (index, server) in self._procs
        ]
        _terminate(procs)

    def start_instance(self, index: int) -> None:
        """Start instance ``index`` again on its ports and wait until it answers."""
        self._spawn(index)
        self._wait(index)

    def seed(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Run ``seed_database(spec)`` in a subprocess against this cluster's database."""
        return self._run_module("seed", spec)

    def stored(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Run ``stored_rows(spec)`` in a subprocess: what the database holds (any database engine)."""
        return self._run_module("stored", spec)

    def _run_module(self, command: str, spec: dict[str, Any]) -> dict[str, Any]:
        result = subprocess.run(
            [sys.executable, "-m", "bench.appservers", command],
            cwd=ROOT,
            env=self.env,
            input=json.dumps(spec).encode(),
            capture_output=True,
            check=False,
            timeout=300,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command} failed:\n{result.stderr.decode()[-3000:]}")
        return dict(json.loads(result.stdout))

    def stop(self) -> None:
        _terminate(list(self._procs.values()))
        self._procs.clear()
        self.final_logs = {
            log.name: log.read_text(errors="replace") for log in sorted(self.workdir.glob("*.log"))
        }
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> AppCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def form_request(
    port: int,
    method: str,
    path: str,
    session: str,
    form: dict[str, str] | None = None,
    *,
    timeout: float = 30.0,
    accept_json: bool = False,
) -> tuple[int, str, http.client.HTTPMessage]:
    """One request to 127.0.0.1:``port`` with a session cookie and a CSRF token (``form`` as a urlencoded
    body when given), redirects not followed: (status, body, headers). Connection errors propagate."""
    csrf = "a" * 32  # any well-formed token works when cookie and header agree
    headers = {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}
    body = urllib.parse.urlencode(form) if form is not None else None
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if accept_json:
        headers["Accept"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.headers
    finally:
        connection.close()


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
    """Create ``spec["usernames"]`` with one session each (those also in ``spec["superusers"]`` are
    staff superusers), then the conversations asked for: ``direct: [a, b]`` and
    ``group: {"name": ..., "owner": a, "members": [...] or "all"}``."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from messaging import services

    users = {}
    for name in spec.get("usernames", []):
        # No usable password: sessions are created directly, and hashing hundreds of passwords is slow.
        user = get_user_model().objects.create_user(username=name, email=f"{name}@example.com", password=None)
        if name in spec.get("superusers", ()):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
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


def stored_rows(spec: dict[str, Any]) -> dict[str, Any]:
    """The titles of the notes and bookmarks of user ``spec["user_id"]`` and the message ids of
    conversation ``spec["conversation"]``, as the database holds them."""
    import django

    django.setup()
    from content.models import Bookmark, Note
    from messaging.models import Message

    owner = spec["user_id"]
    return {
        "notes": list(Note.objects.filter(owner_id=owner).values_list("title", flat=True)),
        "bookmarks": list(Bookmark.objects.filter(owner_id=owner).values_list("title", flat=True)),
        "messages": list(
            Message.objects.filter(conversation_id=spec["conversation"]).values_list("pk", flat=True)
        ),
    }


COMMANDS = {"seed": seed_database, "stored": stored_rows}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: python -m bench.appservers seed|stored < spec.json")
    json.dump(COMMANDS[sys.argv[1]](json.load(sys.stdin)), sys.stdout)
