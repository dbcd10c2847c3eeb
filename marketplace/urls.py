"""URL routes of the marketplace app."""

from __future__ import annotations

from typing import Any

app_name = "marketplace"
urlpatterns: list[Any] = []
