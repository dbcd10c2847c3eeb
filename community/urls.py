"""URL routes of the community app."""

from __future__ import annotations

from typing import Any

app_name = "community"
urlpatterns: list[Any] = []
