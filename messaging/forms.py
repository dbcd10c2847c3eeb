"""Forms of the messaging pages: composer, edit, new conversation, members, notifications."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy

from messaging import references, services
from messaging.errors import MessagingError
from messaging.models import Membership

MAX_GROUP_MEMBERS_AT_ONCE = 50


class MessageForm(forms.Form):
    """The composer (and the edit form, which ignores ``reply_to`` and ``refs``)."""

    body = forms.CharField(
        label="Message",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a message…"}),
    )
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    refs = forms.CharField(
        label="Attach items",
        required=False,
        max_length=200,
        help_text="Type a title and pick your bookmark, task or note (or bookmark:ID, task:ID, note:ID).",
        widget=forms.TextInput(
            attrs={"data-picker": reverse_lazy("messaging:attachable"), "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MESSAGE_MAX_LENGTH
        self.fields["body"].max_length = limit
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["body"].validators.append(MaxLengthValidator(limit))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Write something before sending.")
        return str(body)

    def clean_refs(self) -> list[tuple[str, int]]:
        try:
            return references.parse(self.cleaned_data.get("refs") or "")
        except MessagingError as exc:
            raise forms.ValidationError(exc.message) from exc


def _split_usernames(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


class NewConversationForm(forms.Form):
    """Start a direct message (one person) or a group (a name and several people)."""

    KIND_CHOICES = (("direct", "Direct message"), ("group", "Group"))
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.RadioSelect, initial="direct")
    usernames = forms.CharField(
        label="People",
        max_length=2000,
        help_text="Type a name and pick the person; or usernames separated by spaces or commas.",
        widget=forms.TextInput(
            attrs={"data-picker": reverse_lazy("messaging:people"), "autocomplete": "off"}
        ),
    )
    name = forms.CharField(label="Group name", required=False, max_length=services.GROUP_NAME_MAX)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = _split_usernames(data.get("usernames", ""))
        if not names:
            return data
        if len(names) > MAX_GROUP_MEMBERS_AT_ONCE:
            self.add_error("usernames", f"Add at most {MAX_GROUP_MEMBERS_AT_ONCE} people at once.")
            return data
        users, missing = services.find_users(names)
        if missing:
            self.add_error("usernames", "No active user named " + ", ".join(sorted(missing)) + ".")
            return data
        others = [u for u in users if u.pk != self.user.pk]
        if data.get("kind") == "direct":
            if len(users) != 1:
                self.add_error(
                    "usernames", "A direct message is with exactly one person: start a group instead."
                )
        elif not others:
            self.add_error("usernames", "Add at least one other person to the group.")
        elif not (data.get("name") or "").strip():
            self.add_error("name", "Give the group a name.")
        data["users"] = users
        return data


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(
            attrs={"data-picker": reverse_lazy("messaging:people"), "autocomplete": "off"}
        ),
    )

    def clean_username(self) -> Any:
        users, _ = services.find_users([self.cleaned_data["username"]])
        if not users:
            raise forms.ValidationError("No active user with that username.")
        return users[0]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class RenameForm(forms.Form):
    name = forms.CharField(label="Group name", max_length=services.GROUP_NAME_MAX)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search this conversation", max_length=200, required=False)
