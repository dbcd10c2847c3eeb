"""Lua scripts, each in its own ``lua/<name>.lua`` file with a KEYS/ARGV/return header.

A script's source is read once and wrapped in a redis-py ``Script``: calls go out as EVALSHA, and on
NOSCRIPT (after a Redis restart or failover empties the script cache) redis-py loads it and retries.
Inside a pipeline redis-py preloads it, so several scripts still cost one round trip.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from redis import Redis
from redis.client import Pipeline
from redis.commands.core import Script

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


FIXED_WINDOW = LuaScript("fixed_window")
COUNTER_RELEASE = LuaScript("counter_release")
