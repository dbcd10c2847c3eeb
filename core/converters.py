"""URL path converters shared by every app (registered on import by ``trackeep.urls``)."""

from __future__ import annotations

from django.urls import register_converter


class DatabaseIdConverter:
    """A database id: 1 to 18 digits, so an absurd number is a 404, not an integer overflow (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "dbid")
