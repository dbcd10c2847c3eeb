"""The rate-limit middleware: every matching policy checked in one round trip, before the view runs.

Placed after authentication, so a signed-in user spends their own budget (from the session
snapshot, no database query) and anonymous clients spend their address's. The matcher is rebuilt when
the policy table is reloaded (an admin override changed, ``policies.generation``). Static files are served
by WhiteNoise before this runs, and the exempt prefixes (``RATE_LIMIT_EXEMPT_PATHS``: static,
``/healthz``, ``/readyz``) are skipped; WebSocket handshakes go to Channels, not through here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.ratelimit import identity, per_view, responses, services
from core.ratelimit.base import Check
from core.ratelimit.matching import Matcher
from core.ratelimit.policies import generation, middleware_policies
from core.redis import prefetch


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.generation = -1
        self.matcher: Matcher | None = None

    def _matcher(self) -> Matcher:
        """Built on first use, in a request's thread: the policy table may need a query, which an
        ASGI handler's construction (inside the event loop) must not make."""
        if self.matcher is None or self.generation != generation():
            self.generation = generation()  # read first: a reload during the build forces another
            self.matcher = Matcher(middleware_policies(), settings.RATE_LIMIT_EXEMPT_PATHS)
        return self.matcher

    def __call__(self, request: HttpRequest) -> HttpResponse:
        policies = self._matcher().match(request)
        if not policies:
            return self.get_response(request)
        plan = prefetch.planned(request)
        decisions, replies = services.hit_and_read(
            [Check(p, identity.for_request(request, p)) for p in policies], prefetch.commands(plan)
        )
        if replies is not None:
            prefetch.remember(request, plan, replies)
        decision = responses.binding(decisions)
        if decision is not None and not decision.allowed:
            response = responses.too_many_requests(request, decision)
        else:
            response = self.get_response(request)
            # A per-view limit (core.ratelimit.per_view) judged the request too: report the binding one.
            decision = responses.binding([*decisions, *per_view.decision_of(request)])
        if decision is not None:
            responses.set_headers(response, decision)
        return response
