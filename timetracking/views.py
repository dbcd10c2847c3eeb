"""Time-tracking pages: the timer with recent entries, a week's totals, edit/delete, CSV export."""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import svg, timezones
from core.http import confirm, safe_next
from timetracking import selectors, services, timer
from timetracking.forms import EntryForm, StartForm
from timetracking.models import TimeEntry

PAGE_SIZE = 25


def _own(request: HttpRequest, pk: int) -> TimeEntry:
    return get_object_or_404(TimeEntry.objects.select_related("task"), pk=pk, owner_id=request.user.pk)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    tz = timezones.zone(request.user.timezone)
    week = selectors.week_totals(request.user.pk, selectors.week_start(timezones.local_date(tz)), tz)
    page = Paginator(selectors.entries_for(request.user.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "running": timer.running(request.user.pk),
        "now": timezone.now(),
        "start_form": StartForm(owner_id=request.user.pk),
        "week": week,
        "page": page,
    }
    return render(request, "timetracking/overview.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST, owner_id=request.user.pk)
    if form.is_valid():
        services.start(request.user, task=form.chosen_task(), description=form.cleaned_data["description"])
    else:
        problems = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"The timer did not start: {problems}")
    return HttpResponseRedirect(safe_next(request, reverse("timetracking:overview")))


@login_required
@require_POST
def stop(request: HttpRequest) -> HttpResponse:
    entry = services.stop(request.user)
    if entry is not None and not request.htmx:  # type: ignore[attr-defined]
        messages.success(
            request, f"Stopped: {selectors.format_duration(entry.duration_seconds or 0)} tracked."
        )
    return HttpResponseRedirect(safe_next(request, reverse("timetracking:overview")))


def _in_minutes(totals: list[tuple[str, int]]) -> list[tuple[str, float]]:
    return [(name, seconds / 60) for name, seconds in totals]


@login_required
def week(request: HttpRequest) -> HttpResponse:
    tz = timezones.zone(request.user.timezone)
    monday = selectors.parse_week(request.GET.get("week", ""), timezones.local_date(tz))
    totals = selectors.week_totals(request.user.pk, monday, tz)
    days = [day for day, _ in totals.per_day]
    context = {
        "totals": totals,
        "previous": (monday - dt.timedelta(days=7)).isocalendar(),
        "next": (monday + dt.timedelta(days=7)).isocalendar(),
        "day_chart": svg.stacked_bars(
            days,
            [("tracked", svg.as_minutes([s for _, s in totals.per_day]))],
            title="Time per day",
            fmt=svg.minutes,
        ),
        "task_chart": svg.horizontal_bars(
            _in_minutes(totals.per_task[:10]), title="Time per task", fmt=svg.minutes
        ),
        "tag_chart": svg.horizontal_bars(
            _in_minutes(totals.per_tag[:10]), title="Time per tag", fmt=svg.minutes
        ),
    }
    return render(request, "timetracking/week.html", context)


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own(request, pk)
    form = EntryForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                entry,
                started_at=form.cleaned_data["started_at"],
                ended_at=form.cleaned_data["ended_at"],
                task=form.chosen_task(),
                description=form.cleaned_data["description"],
            )
        except services.EntryInvalid as error:
            form.add_error(None, str(error).capitalize() + ".")
        else:
            messages.success(request, "Entry updated.")
            return redirect("timetracking:overview")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "timetracking/entry_form.html", {"form": form, "entry": entry}, status=status)


@login_required
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _own(request, pk)
    if request.method == "POST":
        services.delete_entry(entry)
        messages.success(request, "Entry deleted.")
        return redirect("timetracking:overview")
    when = timezone.localtime(entry.started_at).strftime("%a %d %b %Y, %H:%M")
    length = (
        f" · {selectors.format_duration(entry.duration_seconds)}"
        if entry.duration_seconds is not None
        else ""
    )
    return confirm(
        request,
        title="Delete this time entry?",
        item=f"{entry.label} · {when}{length}",
        consequence="This cannot be undone.",
        action="Delete entry",
        cancel=reverse("timetracking:overview"),
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = selectors.csv_rows(request.user.pk, timezones.zone(request.user.timezone))
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="trackeep-time-entries.csv"'
    return response
