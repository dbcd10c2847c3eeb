"""URL routes of the search app."""

from __future__ import annotations

from typing import Any

app_name = "search"
urlpatterns: list[Any] = []
