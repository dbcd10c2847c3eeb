"""Habit pages: today's list with one-tap check-ins, create/edit/delete, and a habit's yearly heat-map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import svg, timezones
from core.http import confirm, safe_next, year_param
from habits import selectors, services
from habits.forms import HabitForm
from habits.models import Habit


def _own(request: HttpRequest, pk: int) -> Habit:
    return get_object_or_404(Habit, pk=pk, owner_id=request.user.pk)


@login_required
def habit_list(request: HttpRequest) -> HttpResponse:
    tz = timezones.zone(request.user.timezone)
    today = timezones.local_date(tz)
    context = {
        "today": today,
        "habits": selectors.today(request.user.pk, today, tz),
        "archived": Habit.objects.filter(owner_id=request.user.pk, is_archived=True),
    }
    return render(request, "habits/list.html", context)


@login_required
def habit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    habit = _own(request, pk)
    this_year = timezone.localdate().year
    year = year_param(request, this_year)
    counts = selectors.year_of(habit, year)
    chart = svg.heat_map(
        year, counts, title=f"{habit.name}: check-ins in {year}", target=habit.target_per_day
    )
    years = sorted({*selectors.years_with_checkins(habit), this_year})
    context = {"habit": habit, "year": year, "chart": chart, "years": years, "total": sum(counts.values())}
    return render(request, "habits/detail.html", context)


def _form_page(request: HttpRequest, form: HabitForm, habit: Habit | None) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "habits/form.html", {"form": form, "habit": habit}, status=status)


@login_required
def habit_create(request: HttpRequest) -> HttpResponse:
    form = HabitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        habit = services.create_habit(request.user, **form.habit_fields())
        messages.success(request, f"Habit “{habit.name}” added.")
        return redirect("habits:list")
    return _form_page(request, form, None)


@login_required
def habit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    habit = _own(request, pk)
    form = HabitForm(request.POST or None, instance=habit)
    if request.method == "POST" and form.is_valid():
        services.update_habit(habit, **form.habit_fields())
        messages.success(request, "Habit updated.")
        return redirect("habits:detail", pk=habit.pk)
    return _form_page(request, form, habit)


@login_required
def habit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    habit = _own(request, pk)
    if request.method == "POST":
        services.delete_habit(habit)
        messages.success(request, f"Habit “{habit.name}” deleted.")
        return redirect("habits:list")
    return confirm(
        request,
        title="Delete this habit?",
        item=habit.name,
        consequence="Its whole check-in history goes with it. To keep the history, archive it instead.",
        action="Delete habit",
        cancel=reverse("habits:detail", args=[habit.pk]),
    )


@login_required
@require_POST
def habit_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: today's count + 1 (``undo=1``: - 1). Back to ``next`` (htmx swaps the fresh card)."""
    habit = _own(request, pk)
    undo = request.POST.get("undo") == "1"
    checkin = services.check_in(request.user, habit, delta=-1 if undo else 1)
    if not request.htmx:  # type: ignore[attr-defined]
        verb = "Undone" if undo else "Checked in"
        messages.success(request, f"{verb}: {habit.name} ({checkin.count}/{habit.target_per_day} today).")
    return HttpResponseRedirect(safe_next(request, reverse("habits:list")))
