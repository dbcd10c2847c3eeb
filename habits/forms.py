"""The habit form: name, daily target and the days of the week it is due."""

from __future__ import annotations

from typing import Any

from django import forms

from habits.models import EVERY_DAY, WEEKDAYS, Habit

DAY_CHOICES = [(str(bit), name) for bit, name in enumerate(WEEKDAYS)]


class HabitForm(forms.ModelForm):
    days = forms.MultipleChoiceField(
        choices=DAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        label="Days of the week",
        error_messages={"required": "Choose at least one day."},
    )

    class Meta:
        model = Habit
        fields = ("name", "target_per_day", "is_archived")
        labels = {"target_per_day": "Target per day"}
        help_texts = {"is_archived": "Archived habits leave the dashboard but keep their history."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mask = self.instance.days_of_week if self.instance.pk else EVERY_DAY
        self.fields["days"].initial = [str(bit) for bit in range(7) if mask & (1 << bit)]
        if not self.instance.pk:
            del self.fields["is_archived"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the habit a name.")
        return name

    def habit_fields(self) -> dict[str, Any]:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        fields["days_of_week"] = sum(1 << int(bit) for bit in self.cleaned_data["days"])
        return fields
