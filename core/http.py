"""Small request helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` parameter (POST, then GET) if it points to this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def year_param(request: HttpRequest, default: int, low: int = 1970, high: int = 2999) -> int:
    """``?year=`` as a year within [low, high], else ``default`` (bad input never fails a page)."""
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and low <= int(text) <= high else default


def confirm(
    request: HttpRequest, *, title: str, item: str, consequence: str, action: str, cancel: str
) -> HttpResponse:
    """The confirmation page a destructive action shows on GET (``templates/_confirm.html``)."""
    context = {"title": title, "item": item, "consequence": consequence, "action": action, "cancel": cancel}
    return render(request, "_confirm.html", context)
