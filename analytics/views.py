"""Analytics pages: the home dashboard, the analytics dashboard, recommendations."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from analytics import charts, dashboard, recommendations
from analytics.caches import DASHBOARD
from analytics.models import Dismissal
from analytics.selectors import home_dashboard
from core.http import safe_next
from timetracking.timer import RunningTimer


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: counts and recent items. Its rendered fragment is cached in the user's
    ``dashboard`` family (per day and time zone: due dates and "overdue" depend on both), so a
    repeated home page renders only the layout around it."""
    user_id = request.user.pk
    today, zone = timezone.localdate(), timezone.get_current_timezone_name()

    def fragment() -> str:
        context = {"dashboard": home_dashboard(user_id).value}
        return str(render_to_string("analytics/_home_dashboard.html", context, request))

    html = DASHBOARD.get_or_compute(fragment, "home-html", today.isoformat(), zone, user_id=user_id).value
    return render(request, "analytics/home.html", {"dashboard_html": mark_safe(html)})


@login_required
def analytics_dashboard(request: HttpRequest) -> HttpResponse:
    """Every figure from one cached value (0 queries when warm); charts drawn from it here."""
    days = dashboard.parse_range(request.GET.get("range"))
    data = dashboard.dashboard(request.user.pk, request.user.timezone, days).value
    context = {
        "d": data,
        "charts": charts.build(data),
        "ranges": dashboard.RANGES,
        "running": RunningTimer(**data["timer"]) if data["timer"] else None,
        "now": timezone.now(),
        "here": request.get_full_path(),
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
def recommendation_list(request: HttpRequest) -> HttpResponse:
    """The suggestions (a fragment for htmx, a page otherwise)."""
    template = "analytics/_recommendations.html" if request.htmx else "analytics/recommendations.html"  # type: ignore[attr-defined]
    return render(request, template, {"rec": recommendations.recommendations(request.user.pk)})


@login_required
@require_POST
def recommendation_refresh(request: HttpRequest) -> HttpResponse:
    """Recompute now (the ``expensive`` rate-limit policy applies to this URL)."""
    rec = recommendations.refresh(request.user.pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "analytics/_recommendations.html", {"rec": rec})
    return HttpResponseRedirect(safe_next(request, reverse("analytics:recommendations")))


@login_required
@require_POST
def not_interested(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    object_id = request.POST.get("id", "")
    if kind not in Dismissal.Kind.values or not object_id.isdigit() or len(object_id) > 18:
        raise Http404
    recommendations.not_interested(request.user.pk, kind, int(object_id))
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "analytics/_recommendations.html",
            {"rec": recommendations.recommendations(request.user.pk)},
        )
    return HttpResponseRedirect(safe_next(request, reverse("analytics:recommendations")))
