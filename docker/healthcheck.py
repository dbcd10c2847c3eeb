"""Container health probe: ``GET /healthz`` on this container's app port, exit 0 when it answers 200.

Used by the image's HEALTHCHECK and docker-compose.yml (gunicorn on 8000, Daphne on 8001). Django
answers 400 to a Host outside ALLOWED_HOSTS, so the probe sends the first allowed host; /healthz is
exempt from the HTTPS redirect (trackeep/settings.py). Standard library only: the slim image has no
curl, and importing Django here would make every probe cost a settings load.

Usage: ``python docker/healthcheck.py [PORT]`` (default 8000).
"""

from __future__ import annotations

import http.client
import os
import sys

DEFAULT_PORT = 8000
TIMEOUT_SECONDS = 4.0


def probe_host(allowed_hosts: str) -> str:
    """A Host header that ``ALLOWED_HOSTS`` (comma-separated, as in the environment) accepts."""
    for entry in allowed_hosts.split(","):
        # ".example.com" also allows example.com itself; "*" allows anything.
        host = entry.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else DEFAULT_PORT
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(
            "GET", "/healthz", headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))}
        )
        status = connection.getresponse().status
    except OSError as exc:
        print(f"healthz on port {port}: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthz on port {port}: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
