"""The shared limiter: one Lua script per algorithm on the state Redis, every check of a request in
one round trip (``run_batch``: a pipeline of EVALSHAs).

Clock: the scripts read Redis' own ``TIME``, so every app instance judges against one clock and
app-server clock skew cannot stretch or shrink a window (scripts are replicated by their effects, the
default since Redis 5 and the only mode since 7, so ``TIME`` before a write is safe). ``clock`` is for
tests only: it passes an app clock in (microseconds) so a test can move time without sleeping. The
fixed window needs no clock: its counter's expiry is the window.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from itertools import count
from typing import Any

from core.ratelimit import algorithms
from core.ratelimit.base import Check, Decision, Usage
from core.ratelimit.policies import FIXED_WINDOW, SLIDING_WINDOW
from core.redis import keys, scripts
from core.redis.client import get_client

Clock = Callable[[], int]  # microseconds

# Sliding-log members must be unique per request across processes and hosts: a random tag per
# process (drawn again in every forked worker, which inherits its parent's) and a counter.
_tag = secrets.token_hex(4)
_sequence = count()


def _new_tag() -> None:
    global _tag
    _tag = secrets.token_hex(4)


os.register_at_fork(after_in_child=_new_tag)


def _member() -> str:
    return f"{_tag}{next(_sequence):x}"


def _key(check: Check) -> str:
    return keys.rate_limit(check.policy.name, check.identity, check.policy.key_part)


class RedisLimiter:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock

    def _now_arg(self) -> str:
        return "" if self.clock is None else str(self.clock())

    def _call(self, check: Check) -> tuple[scripts.LuaScript, list[str], list[Any]]:
        policy = check.policy
        if policy.algorithm == SLIDING_WINDOW:
            args = [policy.window_ms, policy.limit, _member(), self._now_arg()]
            return scripts.SLIDING_WINDOW, [_key(check)], args
        if policy.algorithm == FIXED_WINDOW:
            return scripts.FIXED_WINDOW, [_key(check)], [policy.window_ms, 1]
        return scripts.TOKEN_BUCKET, [_key(check)], [policy.window_ms, policy.limit, self._now_arg()]

    def hit(self, checks: Sequence[Check]) -> list[Decision | Exception]:
        """Spend one unit per check, in one round trip. A failed call yields its exception in place;
        an unreachable Redis raises (``redis.RedisError``, or ``RedisDisabled``)."""
        return self.hit_and_read(checks, ())[0]

    def hit_and_read(
        self, checks: Sequence[Check], reads: Sequence[Sequence[Any]]
    ) -> tuple[list[Decision | Exception], list[Any]]:
        """``hit``, with plain ``reads`` sent in the same round trip; returns both replies."""
        replies = scripts.run_batch(get_client("state"), [self._call(check) for check in checks], reads)
        replies, read_replies = replies[: len(checks)], replies[len(checks) :]
        results: list[Decision | Exception] = []
        for check, reply in zip(checks, replies, strict=True):
            if isinstance(reply, Exception):
                results.append(reply)
            elif check.policy.algorithm == FIXED_WINDOW:
                hits, ttl_ms = reply
                results.append(
                    Decision(check.policy, *algorithms.fixed_window(hits, ttl_ms, check.policy.limit))
                )
            else:
                allowed, remaining, reset_ms, retry_ms = reply
                results.append(Decision(check.policy, bool(allowed), remaining, reset_ms, retry_ms))
        return results, read_replies

    def release(self, check: Check) -> None:
        """Give back one unit of a fixed-window check; never creates a counter."""
        scripts.run_batch(get_client("state"), [(scripts.COUNTER_RELEASE, [_key(check)], [1])])

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
            if check.policy.algorithm == SLIDING_WINDOW:
                pipe.zrange(_key(check), 0, -1, withscores=True)
            elif check.policy.algorithm == FIXED_WINDOW:
                pipe.get(_key(check)).pttl(_key(check))
            else:
                pipe.get(_key(check))
        replies = iter(pipe.execute())
        usages = []
        for check in checks:
            policy, state = check.policy, next(replies)
            if policy.algorithm == SLIDING_WINDOW:
                log = sorted(int(score) for _, score in state)
                peek = algorithms.peek_sliding_window(log, now, policy.window_ms, policy.limit)
            elif policy.algorithm == FIXED_WINDOW:
                count = None if state is None else int(state)
                peek = algorithms.peek_fixed_window(count, next(replies), policy.limit)
            else:
                tat = None if state is None else int(state)
                peek = algorithms.peek_token_bucket(tat, now, policy.window_ms, policy.limit)
            usages.append(Usage(policy, check.identity, *peek))
        return usages

    def reset(self, checks: Sequence[Check]) -> int:
        """Delete these identities' keys (one DEL each: their hash tags differ); returns how many existed."""
        pipe = get_client("state").pipeline(transaction=False)
        for check in checks:
            pipe.delete(_key(check))
        return sum(pipe.execute())
