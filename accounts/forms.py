"""Forms for the first-run page and the profile page."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib.auth import get_user_model, password_validation

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


class FirstAdminForm(forms.Form):
    """Creates the first account (an admin) on a fresh instance."""

    email = forms.EmailField()
    username = forms.CharField(max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password (again)", widget=forms.PasswordInput)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        get_user_model().username_validator(username)
        return str(username)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords do not match.")
        elif data.get("password1"):
            user = get_user_model()(
                username=str(data.get("username") or ""), email=str(data.get("email") or "")
            )
            try:
                password_validation.validate_password(str(data["password1"]), user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)

    class Meta:
        model = get_user_model()
        fields = ("full_name", "username", "bio", "timezone")
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
