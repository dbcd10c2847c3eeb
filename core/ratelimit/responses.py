"""The HTTP face of a decision: rate-limit headers, and the 429 page or JSON body.

Headers follow the IETF draft (``RateLimit-Limit``, ``-Remaining``, ``-Reset`` in seconds from now,
``RateLimit-Policy``) plus the legacy ``X-RateLimit-*`` trio, whose ``Reset`` is a Unix time as
GitHub and most clients read it. When several policies judged a request, the binding one speaks:
the denial with the longest wait, else the policy with the fewest requests left.

``Reset`` is the moment the quota resets for this client: on an admitted response, when the whole
budget is back; on a denial, when a request will be admitted again, which is what ``Retry-After``
says (the draft: with both fields present, the reset "SHOULD reference the same point in time").
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.ratelimit.base import Decision


def seconds(milliseconds: int) -> int:
    return max(0, -(-milliseconds // 1000))


def binding(decisions: Sequence[Decision]) -> Decision | None:
    """The decision the response reports; None when every check failed open (nothing is known)."""
    known = [d for d in decisions if not d.degraded]
    denied = [d for d in known if not d.allowed]
    if denied:
        return max(denied, key=lambda d: d.retry_after_ms)
    return min(known, key=lambda d: (d.remaining, -d.reset_ms), default=None)


def retry_after(decision: Decision) -> int:
    """Whole seconds until a denied client may try again (at least 1: ``Retry-After: 0`` invites a loop)."""
    return max(1, seconds(decision.retry_after_ms))


def reset_seconds(decision: Decision) -> int:
    """``RateLimit-Reset``: until the whole budget is back, or on a denial until ``Retry-After``."""
    return seconds(decision.reset_ms) if decision.allowed else retry_after(decision)


def set_headers(response: HttpResponse, decision: Decision) -> None:
    policy = decision.policy
    reset = reset_seconds(decision)
    response["RateLimit-Limit"] = str(policy.limit)
    response["RateLimit-Remaining"] = str(decision.remaining)
    response["RateLimit-Reset"] = str(reset)
    response["RateLimit-Policy"] = f"{policy.limit};w={policy.window:g}"
    response["X-RateLimit-Limit"] = str(policy.limit)
    response["X-RateLimit-Remaining"] = str(decision.remaining)
    response["X-RateLimit-Reset"] = str(int(time.time()) + reset)
    if not decision.allowed:
        response["Retry-After"] = str(reset)


def wants_json(request: HttpRequest) -> bool:
    """API paths, htmx requests and clients that prefer JSON get JSON; browsers get the page."""
    return (
        request.path_info.startswith("/api/")
        or request.headers.get("HX-Request") == "true"
        or request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )


def wait_text(wait: int) -> str:
    """``wait`` seconds for people: "45 seconds", "5 minutes", "2 hours" (rounded up)."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if wait >= size:
            count = -(-wait // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{wait} second{'s' if wait != 1 else ''}"


def too_many_requests(request: HttpRequest, decision: Decision) -> HttpResponse:
    wait = retry_after(decision)
    response: HttpResponse
    if wants_json(request):
        body = {
            "error": "rate_limited",
            "detail": f"Too many requests. Try again in {wait} s.",
            "policy": decision.policy.name,
            "retry_after": wait,
        }
        response = JsonResponse(body, status=429)
    else:
        context = {"wait": wait_text(wait), "policy": decision.policy}
        response = render(request, "429.html", context, status=429)
    # Denials are counted in metrics; Django's per-response warning would turn a flood into a log flood.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
