"""Whose budget a request spends, and every budget an operator can look up for a user or an address.

Identities are ``user:<id>`` for signed-in users, ``ip:<address>`` otherwise (the address from
``core.net.client_ip``: ``X-Forwarded-For`` only through trusted proxies). Login attempts count
under the account's ``user:<id>`` whether its username or e-mail was typed, and under
``account:<login>`` (what was typed, lowercased) when no account has that name, so unknown names run
out the same way. Per-view limits add ``session:<public id>`` and ``email:<address>``.
"""

from __future__ import annotations

import ipaddress
from contextlib import suppress
from typing import Any

from django.http import HttpRequest

from core.net import client_ip
from core.ratelimit.base import Check
from core.ratelimit.policies import DJANGO_RATELIMIT, IP_AND_ACCOUNT, USER_OR_IP, Policy, all_policies


def user(user_id: int) -> str:
    return f"user:{user_id}"


def ip(address: str) -> str:
    """``ip:<address>`` in canonical form (so ``::1`` and ``0:0::1`` are one client)."""
    with suppress(ValueError):  # not an address: kept as sent (it is hashed into the key anyway)
        address = str(ipaddress.ip_address(address.strip()))
    return f"ip:{address}"


def account(login: str) -> str:
    """A login nobody has (known accounts count under ``user(id)``)."""
    return f"account:{login.strip().lower()}"


def session(public_id: str) -> str:
    """One session, by its public id (``accounts.sessions.public_id``), never by its key."""
    return f"session:{public_id}"


def email(address: str) -> str:
    return f"email:{address.strip().lower()}"


def for_request(request: HttpRequest, policy: Policy) -> str:
    """The identity whose budget ``request`` spends under ``policy``.

    ``request.user`` comes from the session snapshot (no database query); reading it loads the
    session, which the page itself needs anyway.
    """
    if policy.identity == USER_OR_IP:
        current = getattr(request, "user", None)
        if current is not None and current.is_authenticated:
            return user(current.pk)
    return ip(client_ip(request))


def _operable() -> list[Policy]:
    """Policies whose budgets the operator tools can read and reset (django-ratelimit keeps its
    per-view counters under keys of its own; they expire with their window)."""
    return [p for p in all_policies() if p.enforced_by != DJANGO_RATELIMIT]


def checks_for_user(account_user: Any) -> list[Check]:
    """Every budget of one user: per-user policies, and their account's login attempts."""
    return [
        Check(policy, user(account_user.pk))
        for policy in _operable()
        if policy.identity in (USER_OR_IP, IP_AND_ACCOUNT)
    ]


def checks_for_ip(address: str) -> list[Check]:
    """Every budget of one client address, under every policy (anonymous traffic and login)."""
    return [Check(policy, ip(address)) for policy in _operable()]
