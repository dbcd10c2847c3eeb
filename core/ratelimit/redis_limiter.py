"""The shared limiter: each policy's algorithm script on the state Redis, every check of a request in
one round trip (``run_batch``: a pipeline of EVALSHAs). What a script does and what its reply means
belongs to the algorithm (``core.ratelimit.algorithms``); this module only batches and keys.

Clock: the scripts read Redis' own ``TIME``, so every app instance judges against one clock and
app-server clock skew cannot stretch or shrink a window (scripts are replicated by their effects, the
default since Redis 5 and the only mode since 7, so ``TIME`` before a write is safe). ``clock`` is for
tests only: it passes an app clock in (microseconds) so a test can move time without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from core.ratelimit import algorithms
from core.ratelimit.algorithms.base import Entry
from core.ratelimit.base import Check, Decision, Usage
from core.redis import scripts
from core.redis.client import get_client

Clock = Callable[[], int]  # microseconds


def _decision(check: Check, reply: Any) -> Decision | Exception:
    """A script's reply, or the error that one call raised (WRONGTYPE...), in its place."""
    if isinstance(reply, Exception):
        return reply
    return Decision(check.policy, *check.policy.engine.outcome(reply, check.policy))


class RedisLimiter:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock

    def _call(self, check: Check, now: str) -> tuple[scripts.LuaScript, list[str], list[Any]]:
        engine = check.policy.engine
        return engine.script, [check.key], engine.script_args(check.policy, now)

    def hit(self, checks: Sequence[Check]) -> list[Decision | Exception]:
        """Spend one unit per check, in one round trip. A failed call yields its exception in place;
        an unreachable Redis raises (``redis.RedisError``, or ``RedisDisabled``)."""
        return self.hit_and_read(checks, ())[0]

    def hit_and_read(
        self, checks: Sequence[Check], reads: Sequence[Sequence[Any]]
    ) -> tuple[list[Decision | Exception], list[Any]]:
        """``hit``, with plain ``reads`` sent in the same round trip; returns both replies."""
        now = "" if self.clock is None else str(self.clock())
        calls = [self._call(check, now) for check in checks]
        replies = scripts.run_batch(get_client("state"), calls, reads)
        replies, read_replies = replies[: len(checks)], replies[len(checks) :]
        results = [_decision(check, reply) for check, reply in zip(checks, replies, strict=True)]
        return results, read_replies

    def release(self, check: Check) -> None:
        """Give back one unit (algorithms that allow it); never creates a key."""
        script = algorithms.releasable(check.policy).release_script
        scripts.run_batch(get_client("state"), [(script, [check.key], [1])])

    def peek(self, checks: Sequence[Check]) -> list[Usage]:
        """Each identity's standing, nothing spent (two round trips: the clock, then the state)."""
        client = get_client("state")
        if self.clock is None:
            seconds, micros = client.time()
            now = seconds * 1_000_000 + micros
        else:
            now = self.clock()
        pipe = client.pipeline(transaction=False)
        for check in checks:
            check.policy.engine.queue_read(pipe, check.key)
            pipe.pttl(check.key)
        replies = pipe.execute()
        usages = []
        for n, check in enumerate(checks):
            engine, raw, ttl_ms = check.policy.engine, replies[2 * n], replies[2 * n + 1]
            state = engine.decode(raw)
            entry = None if state is None else Entry(state, now + max(0, ttl_ms) * 1000)
            usages.append(Usage(check.policy, check.identity, *engine.peek(entry, now, check.policy)))
        return usages

    def reset(self, checks: Sequence[Check]) -> int:
        """Delete these identities' keys (one DEL each: their hash tags differ); returns how many existed."""
        pipe = get_client("state").pipeline(transaction=False)
        for check in checks:
            pipe.delete(check.key)
        return sum(pipe.execute())
