"""The rate-limit algorithms, one module each behind one interface (``base.Algorithm``).

``ALGORITHMS`` maps the ``algorithm`` name of a settings row to its implementation; a policy looks
its own up once (``Policy.engine``), and the Redis and in-process limiters only ever call that
object. Adding an algorithm is one module here, one Lua script in ``core/redis/lua/``, one entry
below, and the contract tests in ``tests/ratelimit/test_algorithms.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.ratelimit.algorithms.base import Algorithm, Releasable
from core.ratelimit.algorithms.fixed_window import FixedWindow
from core.ratelimit.algorithms.sliding_window import SlidingWindow
from core.ratelimit.algorithms.sliding_window_counter import SlidingWindowCounter
from core.ratelimit.algorithms.token_bucket import TokenBucket

if TYPE_CHECKING:
    from core.ratelimit.policies import Policy

ALGORITHMS: dict[str, Algorithm] = {
    algorithm.name: algorithm
    for algorithm in (SlidingWindow(), SlidingWindowCounter(), FixedWindow(), TokenBucket())
}


def releasable(policy: Policy) -> Releasable:
    """The policy's algorithm, if its units can be given back; ValueError otherwise."""
    engine = policy.engine
    if not isinstance(engine, Releasable):
        raise ValueError(f"{policy.algorithm} units cannot be given back ({policy.name})")
    return engine
