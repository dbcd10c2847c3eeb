"""The admin page "Rate limits": one user's or address's budgets across policies, and a reset."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from core.ratelimit import selectors, services
from core.ratelimit.forms import IdentityForm
from core.redis.errors import RedisUnavailable

UNREACHABLE = "The rate-limit store (Redis, state role) does not answer; try again shortly."


@require_http_methods(["GET", "POST"])
def identity_limits(request: HttpRequest) -> HttpResponse:
    form = IdentityForm(request.GET or None)
    context = {**admin.site.each_context(request), "title": "Rate limits", "form": form}
    if form.is_valid():
        label, checks = form.selection()
        context["label"] = label
        try:
            if request.method == "POST":
                if not request.user.has_perm("accounts.change_user"):
                    raise PermissionDenied
                found = services.reset(checks, target=label, request=request)
                messages.success(request, f"Rate limits of {label} reset ({found} active budget(s) cleared).")
                return HttpResponseRedirect(f"{request.path}?{request.GET.urlencode()}")
            context["usages"] = selectors.usage(checks)
        except RedisUnavailable:
            context["error"] = UNREACHABLE
    return TemplateResponse(request, "admin/ratelimit/identity.html", context)
