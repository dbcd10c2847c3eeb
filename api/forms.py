"""Forms of the api app: creating an API token, and the share page's bookmark form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from api import scopes
from content.forms import BookmarkForm

EXPIRY_CHOICES = [
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("never", "Never"),
]
DEFAULT_EXPIRY = "90"


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What it is for, e.g. “Firefox at work” or “backup script”."
    )
    scopes = forms.MultipleChoiceField(
        choices=[(name, name) for name in scopes.ALL],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one thing the token may do."},
    )
    expires = forms.ChoiceField(choices=EXPIRY_CHOICES, initial=DEFAULT_EXPIRY, label="Expires after")

    def __init__(self, *args: Any, preset: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if preset in scopes.PRESETS:
            self.initial["scopes"] = list(scopes.PRESETS[preset])

    def expires_at(self) -> dt.datetime | None:
        choice = self.cleaned_data["expires"]
        return None if choice == "never" else timezone.now() + dt.timedelta(days=int(choice))

    def scope_rows(self) -> list[tuple[str, list[tuple[str, bool]]]]:
        """(area label, [(scope name, checked)]) per area: the checkbox grid of the page."""
        chosen = set(self["scopes"].value() or ())
        return [
            (label, [(f"{area}:{access}", f"{area}:{access}" in chosen) for access in scopes.ACCESS])
            for area, label in scopes.AREAS.items()
        ]


class ShareForm(BookmarkForm):
    """The share page's form: the bookmark form's address, title and description, plus tags."""

    favicon_url = None  # type: ignore[assignment]

    class Meta(BookmarkForm.Meta):
        fields = ("url", "title", "description")
