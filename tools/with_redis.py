"""Run a command with ``REDIS_URL`` pointing at a private redis-server, then stop that server.

``make run`` and ``make test`` use it when no ``REDIS_URL`` is set, so a fresh machine needs neither a
system Redis nor Docker. Usage: ``python -m tools.with_redis [--conf FILE] [--dir DIR] -- CMD ...``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from tools.redis_process import RedisProcess


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conf", type=Path, help="redis.conf to start the server with")
    parser.add_argument("--dir", type=Path, help="data directory (default: a temporary one)")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    if os.environ.get("REDIS_URL"):
        return subprocess.call(command)
    with RedisProcess(config_file=args.conf, data_dir=args.dir, detached=True) as redis:
        env = {**os.environ, "REDIS_URL": redis.url}
        print(f"Private Redis running at {redis.url}", flush=True)
        child = subprocess.Popen(command, env=env)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
