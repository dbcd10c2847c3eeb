"""URL routes of the messaging app."""

from __future__ import annotations

from typing import Any

app_name = "messaging"
urlpatterns: list[Any] = []
