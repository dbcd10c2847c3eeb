"""URL routes of the analytics app."""

from __future__ import annotations

from typing import Any

app_name = "analytics"
urlpatterns: list[Any] = []
