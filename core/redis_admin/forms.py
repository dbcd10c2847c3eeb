"""The page's action forms: one user, by id (the rate-limit identity form is core.ratelimit's)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model


class UserForm(forms.Form):
    user = forms.IntegerField(label="User id", min_value=1)

    def clean_user(self) -> Any:
        user_id = self.cleaned_data["user"]
        account = get_user_model().objects.filter(pk=user_id).first()
        if account is None:
            raise forms.ValidationError(f"No user with id {user_id}.")
        return account
