"""Timed passes with wrk (Debian's ``/usr/bin/wrk``): closed-loop HTTP load from a C client that is
not the bottleneck, with its own CPU use and the server's measured beside every figure.

``bench/lua/wrk_sessions.lua`` gives each request one of the signed-in sessions in turn and prints one
JSON line of counts and latency percentiles at the end. wrk's latency runs from writing the request
to reading the whole answer (a new loopback connection per request: gunicorn's sync workers close
every connection, as they do behind nginx). Any status of 400 or more, a timeout or a socket error
counts as an error; redirects do not, so callers check each session answers 200 first (``preflight``).
When wrk stops, the requests it leaves in flight are still queued at the server (a sync worker does
not notice a closed client until it answers): ``drain`` waits for them, so the next pass does not
start behind a backlog of the previous one.

CPU: the client's from ``os.wait4`` (the rusage of the finished wrk process), the server's from
``/proc``: the gunicorn master's own time and its reaped children's (a recycled worker's total moves
there) plus every live worker's, read before and after.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent / "lua" / "wrk_sessions.lua"
TIMEOUT_SECONDS = 30
DRAIN_TIMEOUT_SECONDS = 120
CSRF_TOKEN = "b" * 32  # the script's, any well-formed token passes when cookie and header agree
_TICKS = os.sysconf("SC_CLK_TCK")


class WrkError(RuntimeError):
    """wrk failed or printed no results line."""


def find_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk not found: apt-get install wrk (Debian's package is what the bench uses)")
    return found


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` (user + system, its reaped children included) and its live children."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    # utime, stime, cutime, cstime are fields 14-17 (indexes 11-14 from the 3rd field).
    ticks = sum(int(value) for value in fields[11:15])
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        child = _stat(int(entry.name))
        if child is not None and child[1] == str(pid):  # ppid is the 4th field
            ticks += int(child[11]) + int(child[12])
    return ticks / _TICKS


@dataclass(frozen=True)
class Pass:
    """One wrk run against one server."""

    requests: int  # answers, errors of status included
    ok: int  # answers below 400
    status_errors: int
    socket_errors: int  # connect, read, write errors and timeouts
    seconds: float
    rps: float  # answers below 400 per second
    answered_rps: float  # every answer per second
    status_share: float  # share of answers with a status of 400 or more (429 when rate limited)
    p50: float  # milliseconds, every answer
    p95: float
    p99: float
    max: float
    client_cpu: float  # cores the wrk process used on average
    server_cpu: float  # cores the server's processes used on average

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(line: str, client_cpu_seconds: float, server_cpu_seconds: float) -> Pass:
    """The script's JSON line, with the CPU seconds measured around it."""
    data = json.loads(line)
    seconds = max(data["duration_us"] / 1e6, 1e-9)
    socket_errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    ok = data["requests"] - data["status_errors"]
    return Pass(
        requests=data["requests"],
        ok=ok,
        status_errors=data["status_errors"],
        socket_errors=socket_errors,
        seconds=seconds,
        rps=ok / seconds,
        answered_rps=data["requests"] / seconds,
        status_share=data["status_errors"] / data["requests"] if data["requests"] else 0.0,
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        max=data["max_us"] / 1000,
        client_cpu=client_cpu_seconds / seconds,
        server_cpu=server_cpu_seconds / seconds,
    )


def run(url: str, sessions: list[str], connections: int, seconds: int, server_pid: int) -> Pass:
    """``connections`` closed-loop connections for ``seconds`` (whole seconds: wrk's unit)."""
    threads = min(2, connections)
    command = [
        find_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, seconds)}s",
        f"--timeout={TIMEOUT_SECONDS}s", "-s", str(SCRIPT), url,
    ]  # fmt: skip
    env = {**os.environ, "BENCH_SESSIONS": ",".join(sessions)}
    server_before = tree_cpu_seconds(server_pid)
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    server_seconds = tree_cpu_seconds(server_pid) - server_before
    drain(url, connections)
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise WrkError(f"wrk exited with {proc.returncode}: {err.decode()[-500:]} {out.decode()[-500:]}")
    result = parse(lines[-1], usage.ru_utime + usage.ru_stime, server_seconds)
    if result.requests == 0:
        raise WrkError(f"no answer within the {seconds} s of the pass")
    return result


def drain(url: str, connections: int) -> None:
    """Wait until the server has answered what wrk left queued: ``connections`` requests to
    ``/healthz`` sent at once are answered only after the connections queued before them."""
    parts = urllib.parse.urlsplit(url)
    healthz = f"{parts.scheme}://{parts.netloc}/healthz"

    def one(_: int) -> None:
        with urllib.request.urlopen(healthz, timeout=DRAIN_TIMEOUT_SECONDS) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=connections) as pool:
        list(pool.map(one, range(connections)))


def preflight(url: str, session: str | None, expect: int = 200) -> None:
    """One request as wrk sends it; ``WrkError`` unless it answers ``expect`` (not a redirect)."""
    cookie = f"csrftoken={CSRF_TOKEN}" + (f"; sessionid={session}" if session else "")
    request = urllib.request.Request(url, headers={"Cookie": cookie})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != expect:
        raise WrkError(f"{url} answered {status} (expected {expect}) to a bench session")
