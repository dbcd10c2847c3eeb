"""Whose budget a request spends, and every budget an operator can look up for a user or an address.

Identities are ``user:<id>`` for signed-in users, ``ip:<address>`` otherwise (the address from
``core.net.client_ip``: ``X-Forwarded-For`` only through trusted proxies), and ``account:<login>``
for login attempts, keyed by what was typed (username or email, lowercased).
"""

from __future__ import annotations

import ipaddress
from contextlib import suppress
from typing import Any

from django.http import HttpRequest

from core.net import client_ip
from core.ratelimit.base import Check
from core.ratelimit.policies import IP_AND_ACCOUNT, USER_OR_IP, Policy, all_policies


def user(user_id: int) -> str:
    return f"user:{user_id}"


def ip(address: str) -> str:
    """``ip:<address>`` in canonical form (so ``::1`` and ``0:0::1`` are one client)."""
    with suppress(ValueError):  # not an address: kept as sent (it is hashed into the key anyway)
        address = str(ipaddress.ip_address(address.strip()))
    return f"ip:{address}"


def account(login: str) -> str:
    return f"account:{login.strip().lower()}"


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


def checks_for_user(account_user: Any) -> list[Check]:
    """Every budget of one user: per-user policies, and login attempts under their username and email."""
    checks = []
    for policy in all_policies():
        if policy.identity == USER_OR_IP:
            checks.append(Check(policy, user(account_user.pk)))
        elif policy.identity == IP_AND_ACCOUNT:
            logins = {account(account_user.get_username()), account(account_user.email or "")}
            checks += [Check(policy, login) for login in sorted(logins) if login != account("")]
    return checks


def checks_for_ip(address: str) -> list[Check]:
    """Every budget of one client address, under every policy (anonymous traffic and login)."""
    return [Check(policy, ip(address)) for policy in all_policies()]
