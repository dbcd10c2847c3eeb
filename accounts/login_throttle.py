"""Login attempt limits: per client IP and per account, the ``login`` rate-limit policy.

The policy (fixed window, ``LOGIN_ATTEMPTS_LIMIT`` per ``LOGIN_ATTEMPTS_WINDOW_SECONDS``) is a row of
``RATE_LIMIT_POLICIES`` like every other limit, but it is applied here, from allauth's
``pre_authenticate``, because only the form knows the account. Both identities are counted in one
round trip; a successful login gives its attempt back, so only failures accumulate. The policy's
outage mode is ``local``: when Redis is unreachable a per-process limiter with the same rule takes
over, so an outage narrows the limit to one process's view but never removes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.ratelimit import identity, policies, responses, services
from core.ratelimit.base import Check

POLICY = "login"


@dataclass(frozen=True)
class ThrottleResult:
    allowed: bool
    retry_after: int  # seconds until the fullest window resets


def _checks(ip: str, account: str) -> list[Check]:
    policy = policies.get(POLICY)
    checks = [Check(policy, identity.ip(ip))]
    if account.strip():
        checks.append(Check(policy, identity.account(account)))
    return checks


def consume(ip: str, account: str) -> ThrottleResult:
    """Count one login attempt; ``allowed`` is False once either identity is over the limit."""
    denied = [d for d in services.hit(_checks(ip, account)) if not d.allowed]
    retry_after = max((responses.seconds(d.retry_after_ms) for d in denied), default=0)
    return ThrottleResult(allowed=not denied, retry_after=retry_after)


def release(ip: str, account: str) -> None:
    """Give back the attempt of a successful login."""
    services.release(_checks(ip, account))
