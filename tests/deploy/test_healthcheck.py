"""docker/healthcheck.py against the two app servers the compose file runs, in production mode."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.compose import ROOT
from tests.deploy.production import production_env
from tests.server_logs import assert_clean_logs
from tools.redis_process import free_port

pytestmark = pytest.mark.slow

PROBE = ROOT / "docker" / "healthcheck.py"
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_SECONDS = 60.0
# The commands of docker-compose.yml's web (the image's CMD) and daphne services, on a free port.
SERVERS = {
    "gunicorn": lambda port: [BIN / "gunicorn", "trackeep.wsgi:application", "--bind", f"127.0.0.1:{port}"],
    "daphne": lambda port: [
        BIN / "daphne",
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "trackeep.asgi:application",
    ],
}


def probe(port: int, allowed_hosts: str) -> subprocess.CompletedProcess[str]:
    env = production_env(ALLOWED_HOSTS=allowed_hosts)
    return subprocess.run(
        [sys.executable, str(PROBE), str(port)], env=env, capture_output=True, text=True, timeout=30
    )


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture(params=sorted(SERVERS), scope="module")
def server_port(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    # Default production settings: SECURE_SSL_REDIRECT on, so /healthz must be exempt from it.
    env = production_env(ALLOWED_HOSTS=".example.com")
    log = tmp_path_factory.mktemp(request.param) / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(SERVERS[request.param](port), cwd=ROOT, env=env, stdout=out, stderr=out)
    try:
        _wait_for_port(proc, port, log)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert_clean_logs({request.param: log.read_text()})


def test_probe_passes_on_a_healthy_server(server_port: int) -> None:
    # ".example.com" also allows example.com, which is the Host the probe derives from it.
    result = probe(server_port, ".example.com")
    assert result.returncode == 0, result.stderr


def test_probe_fails_when_django_refuses_the_host(server_port: int) -> None:
    # The probe reads the same ALLOWED_HOSTS as the server in the container; here they differ on purpose.
    result = probe(server_port, "other.example.org")
    assert result.returncode == 1
    assert "HTTP 400" in result.stderr


def test_probe_fails_when_nothing_listens() -> None:
    result = probe(free_port(), "example.com")
    assert result.returncode == 1
    assert "healthz on port" in result.stderr
