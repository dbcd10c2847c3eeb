"""The values that flow through the limiter: what to check, and what was decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from core.ratelimit.policies import Policy
from core.redis import keys


class Check(NamedTuple):
    """Spend one unit of ``policy``'s budget for ``identity`` (``user:42``, ``ip:203.0.113.9``...)."""

    policy: Policy
    identity: str

    @property
    def key(self) -> str:
        """Where this identity's state under this policy lives: the Redis key, and the in-process
        limiter's name for the same state."""
        return keys.rate_limit(self.policy.name, self.identity, self.policy.engine.key_part)


@dataclass(frozen=True)
class Decision:
    """The outcome of one check.

    ``reset_ms`` is the time until the identity's budget would be whole again if it stopped now;
    ``retry_after_ms`` (denials only) the time until a request would be admitted. ``degraded`` marks
    a fail-open decision taken without the shared store: nothing is known about the budget.
    """

    policy: Policy
    allowed: bool
    remaining: int
    reset_ms: int
    retry_after_ms: int = 0
    degraded: bool = False

    @classmethod
    def fail_open(cls, policy: Policy) -> Decision:
        return cls(policy, allowed=True, remaining=policy.limit, reset_ms=0, degraded=True)


@dataclass(frozen=True)
class Usage:
    """An identity's standing under one policy, read without spending anything (operators)."""

    policy: Policy
    identity: str
    used: int
    remaining: int
    reset_ms: int

    @property
    def reset_seconds(self) -> float:
        return self.reset_ms / 1000
