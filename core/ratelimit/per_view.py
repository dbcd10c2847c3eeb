"""Per-view limits through django-ratelimit, on the state Redis, answered like every other limit.

The policies are rows of ``RATE_LIMIT_POLICIES`` with ``enforced_by: "django-ratelimit"`` (two-factor
codes, sign-up, password reset per address, share links, message sends). A view applies one with the
``limit`` decorator, or calls ``spend`` where the identities are known only inside the view (the
two-factor step). ``spend`` asks django-ratelimit (``get_usage``, fixed windows on the cache alias
``RATELIMIT_USE_CACHE = "state"``) once per identity and reports the binding ``Decision``, so a
refusal is the same 429 page or JSON body, headers and metrics as the middleware's.

django-ratelimit reads and writes through Django's cache API, and the state alias raises Redis errors
instead of hiding them; each policy's ``outage`` mode then decides, exactly as for the middleware:
``local`` asks this process's limiter, ``open`` admits. With ``REDIS_RATELIMIT_ENABLED`` off the
in-process limiter decides every check.

What it costs, measured in ``tests/security/test_view_limits.py``: two Redis round trips per identity
(``SET NX`` to open the window, then an ``EVAL`` that increments), against one for the Lua limiter;
docs/ratelimiting.md has the figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import get_usage

from core.net import client_ip
from core.ratelimit import identity, metrics, policies, responses, services
from core.ratelimit.backends import local_limiter
from core.ratelimit.base import Check, Decision
from core.redis.client import RedisDisabled

REQUEST_ATTRIBUTE = "rate_limit_decision"  # read by the middleware, which reports the binding one

IdentityOf = Callable[[HttpRequest], str | None]


class UnreadableUsage(redis.RedisError):
    """django-ratelimit could not read or write its counter (it reports that as a zero limit)."""


def _ask_django_ratelimit(check: Check) -> Decision:
    policy = check.policy
    usage = get_usage(
        None,  # the key callable below ignores the request; ``spend`` works outside views too
        group=policy.name,
        key=lambda group, request: check.identity,
        rate=(policy.limit, int(policy.window)),
        increment=True,
    )
    if usage is None or usage["limit"] == 0:
        raise UnreadableUsage(f"no usage for {policy.name}")
    count, left_ms = usage["count"], max(0, usage["time_left"]) * 1000
    allowed = count <= policy.limit
    return Decision(policy, allowed, max(0, policy.limit - count), left_ms, 0 if allowed else left_ms)


def _decide(check: Check) -> Decision:
    if not settings.REDIS_RATELIMIT_ENABLED:
        return local_limiter.hit([check])[0]
    try:
        return _ask_django_ratelimit(check)
    except (redis.RedisError, RedisDisabled) as error:
        return services.outage_decision(check, error)


def spend(policy_name: str, identities: Sequence[str]) -> Decision | None:
    """Spend one unit of ``policy_name`` for each identity; the binding decision (None: nothing known,
    as when every check failed open)."""
    policy = policies.get(policy_name)
    decisions = [_decide(Check(policy, identity)) for identity in identities]
    for decision in decisions:
        if not decision.allowed:
            metrics.record(metrics.DENIED, policy.name)
    return responses.binding(decisions)


def refuse(request: HttpRequest, decision: Decision) -> HttpResponse:
    """The 429 page (or JSON body); the middleware adds the policy's headers."""
    record(request, decision)
    return responses.too_many_requests(request, decision)


def record(request: HttpRequest, decision: Decision | None) -> None:
    """Let the middleware report this decision in the response headers when it binds (kept on the
    request, so a view that ends in an exception, a 404 for an unknown token, still reports it)."""
    if decision is not None:
        setattr(request, REQUEST_ATTRIBUTE, decision)


def decision_of(request: HttpRequest) -> list[Decision]:
    """The per-view decision recorded for ``request``, if any."""
    decision = getattr(request, REQUEST_ATTRIBUTE, None)
    return [decision] if decision is not None else []


def client_address(request: HttpRequest) -> str:
    return identity.ip(client_ip(request))


def signed_in_user(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    return identity.user(user.pk) if user is not None and user.is_authenticated else None


def posted_email(request: HttpRequest) -> str | None:
    """The ``email`` field of a posted form (a password reset names the account to mail)."""
    address = request.POST.get("email", "")
    return identity.email(address) if address.strip() else None


def limit(policy_name: str, *identity_of: IdentityOf) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: each request the policy's methods cover spends one unit per identity that
    ``identity_of`` finds (None: that one is skipped)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not policies.get(policy_name).covers_method(request.method or "GET"):
                return view(request, *args, **kwargs)
            found = [identity for of in identity_of if (identity := of(request))]
            decision = spend(policy_name, found)
            if decision is not None and not decision.allowed:
                return refuse(request, decision)
            record(request, decision)
            return view(request, *args, **kwargs)

        return limited

    return decorate
