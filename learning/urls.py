"""URL routes of the learning app."""

from __future__ import annotations

from typing import Any

app_name = "learning"
urlpatterns: list[Any] = []
