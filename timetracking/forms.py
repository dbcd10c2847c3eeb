"""Forms of time tracking: start a timer, and edit an entry (times in the user's own zone)."""

from __future__ import annotations

from typing import Any

from django import forms

from content.models import Task
from timetracking import selectors
from timetracking.models import DESCRIPTION_MAX, TimeEntry

LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


class _TaskChoice(forms.Form):
    """A task picked among the owner's open tasks (plus ``current``); others' ids are refused."""

    task = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Task")
    description = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX, label="What are you working on?"
    )

    def __init__(self, *args: Any, owner_id: int, current: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id = owner_id
        tasks = list(selectors.open_tasks(owner_id))
        if current is not None and current not in tasks:
            tasks.insert(0, current)
        self.fields["task"].choices = [("", "(no task)")] + [(t.pk, t.title[:80]) for t in tasks]

    def chosen_task(self) -> Task | None:
        task_id = self.cleaned_data.get("task")
        return Task.objects.filter(owner_id=self.owner_id, pk=task_id).first() if task_id else None


class StartForm(_TaskChoice):
    pass


class EntryForm(_TaskChoice):
    started_at = forms.DateTimeField(
        label="Started",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format=LOCAL_FORMAT),
    )
    ended_at = forms.DateTimeField(
        label="Ended",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}, format=LOCAL_FORMAT),
        help_text="Leave empty to keep a running timer running.",
    )

    field_order = ("started_at", "ended_at", "task", "description")

    def __init__(self, *args: Any, entry: TimeEntry, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "started_at": entry.started_at,
                "ended_at": entry.ended_at,
                "task": entry.task_id,
                "description": entry.description,
            },
        )
        super().__init__(*args, owner_id=entry.owner_id, current=entry.task, **kwargs)
        self.entry = entry
        if not entry.is_running:
            self.fields["ended_at"].required = True
            self.fields["ended_at"].help_text = ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", "The end must come after the start.")
        return data
