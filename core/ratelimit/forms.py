"""The admin page's lookup form: one user (by id) or one client address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from core.ratelimit import identity
from core.ratelimit.base import Check


class IdentityForm(forms.Form):
    user = forms.IntegerField(label="User id", required=False, min_value=1)
    ip = forms.GenericIPAddressField(label="or IP address", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user_id, address = data.get("user"), data.get("ip")
        if self.errors:
            return data
        if bool(user_id) == bool(address):
            raise forms.ValidationError("Give either a user id or an IP address.")
        if user_id:
            data["account"] = get_user_model().objects.filter(pk=user_id).first()
            if data["account"] is None:
                self.add_error("user", f"No user with id {user_id}.")
        return data

    def selection(self) -> tuple[str, list[Check]]:
        """A label for the page, and the identity's budgets across every policy."""
        account = self.cleaned_data.get("account")
        if account is not None:
            return f"user {account.get_username()} (id {account.pk})", identity.checks_for_user(account)
        address = self.cleaned_data["ip"]
        return f"address {address}", identity.checks_for_ip(address)
