"""Community forms: creating a challenge. Dates are whole days in the creator's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from community import scoring, targets
from community.models import DESCRIPTION_MAX, TITLE_MAX

MAX_DAYS_AHEAD = 2 * 366  # how far ahead a challenge may start


class ChallengeForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=DESCRIPTION_MAX
    )
    target = forms.ChoiceField(label="Target")
    goal = forms.IntegerField(min_value=1, help_text="How many, in the target's unit.")
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), help_text="The last day that counts."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (kind.key, f"{kind.label} (in {kind.unit}s)") for kind in targets.all_targets()
        ]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("start_date", today)
            self.initial.setdefault("end_date", today + dt.timedelta(days=6))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, key, goal = (
            data.get("start_date"),
            data.get("end_date"),
            data.get("target"),
            data.get("goal"),
        )
        if start and end:
            if end < start:
                self.add_error("end_date", "The end date must not be before the start date.")
            elif (end - start).days + 1 > scoring.MAX_DAYS:
                self.add_error("end_date", f"A challenge can last at most {scoring.MAX_DAYS} days.")
            elif end < timezone.localdate():
                self.add_error("end_date", "The end date has already passed.")
            elif start > timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD):
                self.add_error("start_date", "Start within the next two years.")
        if key and goal:
            kind = targets.get(key)
            if goal > kind.max_goal:
                self.add_error("goal", f"At most {kind.max_goal}.")
        return data

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """Midnight of the start date to midnight after the end date, in the current time zone."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["start_date"], dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            self.cleaned_data["end_date"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        return start, end
