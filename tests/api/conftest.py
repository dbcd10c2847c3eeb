"""Fixtures for the API tests: tokens with chosen scopes and clients that send them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from api import scopes, services


class ApiClient(Client):
    """A test client that sends ``Authorization: Bearer <secret>`` and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        super().__init__(headers=headers)

    def send(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        if body is None:
            return getattr(self, method)(path, **extra)
        return getattr(self, method)(path, body, content_type="application/json", **extra)


@pytest.fixture
def token_for() -> Callable[..., str]:
    """``token_for(user, *scopes, expires_at=None)`` creates a token and returns its secret."""

    def make(user: Any, *granted: str, expires_at: dt.datetime | None = None) -> str:
        _, secret = services.create_token(
            user, name="test", scopes=granted or scopes.ALL, expires_at=expires_at
        )
        return secret

    return make


@pytest.fixture
def api_of(token_for: Callable[..., str]) -> Callable[..., ApiClient]:
    """``api_of(user, *scopes)``: a client authenticated with a new token of ``user``."""

    def make(user: Any, *granted: str) -> ApiClient:
        return ApiClient(token_for(user, *granted))

    return make


@pytest.fixture
def api(owner: Any, api_of: Callable[..., ApiClient]) -> ApiClient:
    """The owner's client with every scope."""
    return api_of(owner)
