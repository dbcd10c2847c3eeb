"""Analytics pages: the home dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from analytics.selectors import home_dashboard


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: counts and recent items, one cached value per user."""
    return render(request, "analytics/home.html", {"dashboard": home_dashboard(request.user.pk).value})
