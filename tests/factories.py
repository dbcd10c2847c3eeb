"""Small helpers to create test users and signed-in clients."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(**fields: Any) -> Any:
    n = next(_counter)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.com")
    password = fields.pop("password", PASSWORD)
    return get_user_model().objects.create_user(password=password, **fields)


def signed_in(user: Any) -> Client:
    """A test client with a session of ``user``."""
    client = Client()
    client.force_login(user)
    return client
