"""The admin's Redis page and its actions: thin views over ``selectors`` and ``services``.

Staff only (``admin.site.admin_view``: others are sent to the admin login); the actions also need
the permission to change users, as the User admin's own actions do. Actions are POSTs (CSRF); the
destructive ones (sign a user out, reset rate limits) first show a confirmation page that posts again
with ``confirmed=yes``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.ratelimit.forms import IdentityForm
from core.ratelimit.views import UNREACHABLE
from core.redis.errors import RedisUnavailable
from core.redis_admin import hooks, selectors, services
from core.redis_admin.forms import UserForm

ACT_PERMISSION = "accounts.change_user"  # a string: the platform imports no domain app
CONFIRMED = "yes"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": "Redis", **extra}


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    context = _context(
        request,
        overview=selectors.overview(),
        can_act=request.user.has_perm(ACT_PERMISSION),
        sessions_owned=hooks.sessions() is not None,
        user_form=UserForm(),
        identity_form=IdentityForm(),
    )
    return TemplateResponse(request, "admin/redis/page.html", context)


def _back(request: HttpRequest, form: Form | None = None) -> HttpResponseRedirect:
    if form is not None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(f"{reverse('redisadmin:page')}#actions")


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(ACT_PERMISSION):
        raise PermissionDenied


def _confirm(request: HttpRequest, question: str, form: Form) -> TemplateResponse:
    fields = {name: request.POST[name] for name in form.fields if request.POST.get(name)}
    context = _context(request, question=question, fields=fields, action=request.path, confirmed=CONFIRMED)
    return TemplateResponse(request, "admin/redis/confirm.html", context)


@require_POST
def invalidate_caches(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UserForm(request.POST)
    if not form.is_valid():
        return _back(request, form)
    account = form.cleaned_data["user"]
    done = services.invalidate_user_caches(account.pk, request=request)
    text = f"Caches of {account.get_username()} (id {account.pk}) invalidated: {', '.join(done.families)}."
    if done.deleted is None:
        text += " Redis did not answer: the invalidation is applied when it does; old entries expire by TTL."
    else:
        text += f" {done.deleted_total} old entr{'y' if done.deleted_total == 1 else 'ies'} deleted."
        if not done.complete:
            text += " The keyspace was too large to search completely: the rest expire by TTL."
    messages.success(request, text)
    return _back(request)


@require_POST
def revoke_sessions(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = UserForm(request.POST)
    if not form.is_valid():
        return _back(request, form)
    account = form.cleaned_data["user"]
    try:
        if request.POST.get("confirmed") != CONFIRMED:
            count = services.session_count(account.pk)
            who = f"{account.get_username()} (id {account.pk})"
            return _confirm(request, f"Sign {who} out of all {count} session(s)?", form)
        revoked = services.sign_out_everywhere(account.pk, request=request)
    except services.NoSessionOwner:
        messages.error(request, "No app manages sessions here: nothing to revoke.")
        return _back(request)
    messages.success(request, f"Signed {account.get_username()} out of {revoked} session(s).")
    return _back(request)


@require_POST
def reset_rate_limits(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = IdentityForm(request.POST)
    if not form.is_valid():
        return _back(request, form)
    label, checks = form.selection()
    if request.POST.get("confirmed") != CONFIRMED:
        return _confirm(request, f"Reset every rate limit of {label} ({len(checks)} policies)?", form)
    try:
        found = services.reset_rate_limits(checks, label=label, request=request)
    except RedisUnavailable:
        messages.error(request, UNREACHABLE)
        return _back(request)
    messages.success(request, f"Rate limits of {label} reset ({found} active budget(s) cleared).")
    return _back(request)
