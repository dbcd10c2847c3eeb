"""Lua scripts, each in its own ``lua/<name>.lua`` file with a KEYS/ARGV/return header.

A script's source is read once and wrapped in a redis-py ``Script``: calls go out as EVALSHA, and on
NOSCRIPT (after a Redis restart or failover empties the script cache) redis-py loads it and retries.
Inside a pipeline redis-py first checks with one ``SCRIPT EXISTS`` (loading what is missing), so a
pipeline of several script calls costs two round trips; a direct call costs one. ``run_batch``
sends several calls in one round trip (the rate limiter's per-request budget). The module that runs
a script holds its ``LuaScript`` (``core.redis.generational``, ``core.ratelimit.algorithms.*``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script
from redis.exceptions import NoScriptError

LUA_DIR = Path(__file__).with_name("lua")


class LuaScript:
    """A named script from ``lua/``, loaded lazily on first call and reused afterwards."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.path = LUA_DIR / f"{name}.lua"
        if not self.path.exists():
            raise FileNotFoundError(self.path)
        self._script: Script | None = None
        self._lock = threading.Lock()

    def _bind(self, client: Redis | Pipeline) -> Script:
        if self._script is None:
            with self._lock:
                if self._script is None:
                    self._script = Script(client, self.path.read_text())
        return self._script

    @property
    def sha(self) -> str:
        if self._script is None:
            raise RuntimeError(f"script {self.name} has not been called yet")
        return str(self._script.sha)

    def __call__(self, client: Redis | Pipeline, keys: Sequence[str], args: Sequence[Any] = ()) -> Any:
        return self._bind(client)(keys=list(keys), args=list(args), client=client)


def run_batch(
    client: Redis,
    calls: Sequence[tuple[LuaScript, Sequence[str], Sequence[Any]]],
    reads: Sequence[Sequence[Any]] = (),
) -> list[Any]:
    """Run several script calls in one round trip: a plain pipeline of EVALSHAs, no SCRIPT EXISTS.

    ``reads`` are plain commands sent in the same pipeline (``core.redis.prefetch``); their replies
    follow the scripts' in the returned list.

    A NOSCRIPT reply (script cache emptied by a restart, failover or SCRIPT FLUSH) loads the missing
    scripts and re-sends only the calls that got it: they never ran, so nothing runs twice. Any other
    error of one call is returned in that call's place, so callers handle failures per call;
    connection errors raise.
    """
    bound = [(script._bind(client), list(keys), list(args)) for script, keys, args in calls]
    results: list[Any] = [None] * len(bound)
    read_results: list[Any] = []
    pending = list(range(len(bound)))
    for attempt in range(2):
        pipe = client.pipeline(transaction=False)
        for i in pending:
            script, keys, args = bound[i]
            pipe.evalsha(script.sha, len(keys), *keys, *args)
        if attempt == 0:
            for command in reads:
                pipe.execute_command(*command)
        replies = pipe.execute(raise_on_error=False)
        if attempt == 0:
            read_results = replies[len(pending) :]
            replies = replies[: len(pending)]
        missing = []
        for i, reply in zip(pending, replies, strict=True):
            if isinstance(reply, NoScriptError) and attempt == 0:
                missing.append(i)
            else:
                results[i] = reply
        if not missing:
            break
        for script in {bound[i][0] for i in missing}:
            script.sha = client.script_load(script.script)
        pending = missing
    return results + read_results
