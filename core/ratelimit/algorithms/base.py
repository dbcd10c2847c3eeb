"""The one interface every rate-limit algorithm implements, and the values that cross it.

An algorithm is a class in its own module of this package. It owns its Lua script and the reply it
parses (the shared limiter on Redis), the same rule as a pure step over state kept in this process
(the in-process limiter), and how to read an identity's standing from either without spending
anything. ``RedisLimiter`` and ``LocalLimiter`` know nothing more about it than this protocol, and
``ALGORITHMS`` (the package) picks one by the name in a policy's settings row.

Clock: ``now`` is in microseconds; durations in outcomes are milliseconds, rounded up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

from redis.client import Pipeline

from core.redis.scripts import LuaScript

if TYPE_CHECKING:
    from core.ratelimit.policies import Policy


class Outcome(NamedTuple):
    """One spent unit: admitted or not, what is left, and when the budget is whole again
    (``reset_ms``) or, for a denial, when a request will be admitted (``retry_after_ms``)."""

    allowed: bool
    remaining: int
    reset_ms: int
    retry_after_ms: int


class Peek(NamedTuple):
    """An identity's standing, read without spending."""

    used: int
    remaining: int
    reset_ms: int


class Entry(NamedTuple):
    """One identity's state under one policy, and when it expires (microseconds, ``now``'s clock)."""

    state: Any
    expires_at: int


def ceil_ms(microseconds: int) -> int:
    return -(-microseconds // 1000)


class Algorithm(Protocol):
    """Implementations subclass this explicitly, which gives them the defaults below: a script called
    with (window ms, limit, now) that judges the hit itself, and state in one string."""

    name: str  # the ``algorithm`` field of a settings row
    key_part: str  # the last part of its key (``keys.rate_limit``): names the data structure
    script: LuaScript  # spends one unit on Redis, with the key in KEYS[1]

    def problems(self, limit: int, window_ms: int) -> list[str]:
        """Why a policy with these figures cannot use this algorithm (empty: it can)."""
        return []

    def script_args(self, policy: Policy, now: str) -> list[Any]:
        """ARGV of ``script``; ``now`` is a test clock in microseconds, or '' for the Redis clock."""
        return [policy.window_ms, policy.limit, now]

    def outcome(self, reply: Any, policy: Policy) -> Outcome:
        """The script's reply: {allowed 1|0, remaining, reset ms, retry ms}."""
        allowed, remaining, reset_ms, retry_ms = reply
        return Outcome(bool(allowed), remaining, reset_ms, retry_ms)

    def queue_read(self, pipe: Pipeline, key: str) -> None:
        """Queue the one command that reads the state stored at ``key``."""
        pipe.get(key)

    def decode(self, reply: Any) -> Any:
        """That command's reply as the in-process state; None when there is none."""
        ...

    def step(self, entry: Entry | None, now: int, policy: Policy) -> tuple[Entry | None, Outcome]:
        """Spend one unit in process, as ``script`` does: the new entry (None: unchanged) and outcome."""
        ...

    def peek(self, entry: Entry | None, now: int, policy: Policy) -> Peek:
        """The standing that ``entry`` (live, or None) means at ``now``; nothing is spent."""
        ...


@runtime_checkable
class Releasable(Algorithm, Protocol):
    """An algorithm whose spent units can be given back (a login that succeeded)."""

    release_script: LuaScript  # KEYS[1] the key, ARGV[1] the amount; never creates a key

    def give_back(self, entry: Entry) -> Entry:
        """``entry`` with one unit returned, in process."""
        ...
