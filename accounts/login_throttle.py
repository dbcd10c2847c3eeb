"""Login attempt limits: per client IP and per account, the ``login`` rate-limit policy.

The policy (fixed window, ``LOGIN_ATTEMPTS_LIMIT`` per ``LOGIN_ATTEMPTS_WINDOW_SECONDS``) is a row of
``RATE_LIMIT_POLICIES`` like every other limit, but it is applied here, from allauth's
``pre_authenticate``, because only the form knows the account. Both identities are counted in one
round trip; a successful login gives its attempt back, so only failures accumulate.

The account budget belongs to the account, not to what was typed: its username and its e-mail
address spend one budget (``user:<id>``). A name that matches no account spends a budget of its
own (``account:<name>``), so unknown names run out exactly like real ones.

The two budgets are reported apart, because the adapter treats them differently: an address over
its limit is refused outright, while an account over its limit (anyone can spend it from anywhere)
still admits the right password *if* the account has a second factor, which must then be passed
too (docs/ratelimiting.md, "Login: the account lock and its trade-off").

The policy's outage mode is ``local``: when Redis is unreachable a per-process limiter with the same
rule takes over, so an outage narrows the limit to one process's view but never removes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.selectors import account_id_for_login
from core.ratelimit import identity, policies, responses, services
from core.ratelimit.base import Check

POLICY = "login"


@dataclass(frozen=True)
class ThrottleResult:
    address_allowed: bool
    account_allowed: bool
    retry_after: int  # seconds until the fullest window resets

    @property
    def allowed(self) -> bool:
        return self.address_allowed and self.account_allowed


def _account_identity(login: str) -> str | None:
    if not login.strip():
        return None
    account_id = account_id_for_login(login)
    return identity.user(account_id) if account_id is not None else identity.account(login)


def _checks(ip: str, login: str) -> list[Check]:
    policy = policies.get(POLICY)
    checks = [Check(policy, identity.ip(ip))]
    account = _account_identity(login)
    if account is not None:
        checks.append(Check(policy, account))
    return checks


def consume(ip: str, login: str) -> ThrottleResult:
    """Count one login attempt against the address and the account."""
    decisions = services.hit(_checks(ip, login))
    denied = [d for d in decisions if not d.allowed]
    return ThrottleResult(
        address_allowed=decisions[0].allowed,
        account_allowed=all(d.allowed for d in decisions[1:]),
        retry_after=max((responses.seconds(d.retry_after_ms) for d in denied), default=0),
    )


def release(ip: str, login: str) -> None:
    """Give back the attempt of a successful login."""
    services.release(_checks(ip, login))
