"""URL routes of the content app."""

from __future__ import annotations

from typing import Any

app_name = "content"
urlpatterns: list[Any] = []
