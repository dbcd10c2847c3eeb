"""Rate limits on what a socket does, in the same per-user budgets as the HTTP views.

Sending a message, reacting and typing are limited per user whichever way they arrive: the rate-limit
middleware spends the ``messages`` and ``reactions`` budgets for the HTTP views (``RATE_LIMIT_POLICIES``
names their URLs), and the consumer spends the very same buckets (same policy, identity
``user:<id>``) through ``core.ratelimit.services`` for socket frames, so a client cannot double its
allowance by switching transport. ``typing`` exists only on the socket. Each policy's outage mode is
``local``: while Redis is unreachable, a per-process limiter keeps the same rule.
"""

from __future__ import annotations

from core.ratelimit import identity, policies, responses, services
from core.ratelimit.base import Check

MESSAGES = "messages"
REACTIONS = "reactions"
TYPING = "typing"


class RateLimited(Exception):
    """The user's budget under ``policy`` is spent; ``retry_after`` seconds until the next unit."""

    def __init__(self, policy: str, retry_after: int) -> None:
        super().__init__(f"Too many {policy}. Try again in {retry_after} s.")
        self.policy = policy
        self.retry_after = retry_after


def spend(user_id: int, policy: str) -> None:
    """Spend one unit of ``user_id``'s ``policy`` budget (one Redis round trip); RateLimited if refused."""
    decision = services.hit([Check(policies.get(policy), identity.user(user_id))])[0]
    if not decision.allowed:
        raise RateLimited(policy, max(1, responses.seconds(decision.retry_after_ms)))
