"""Every URL pattern of the project with its parameters, from Django's URL resolver, so a sweep
over them covers a URL added later without anyone listing it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# <converter:name> or <name> (Django's path syntax).
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its path template (``content/bookmarks/<dbid:pk>/``) and its view."""

    template: str
    name: str

    @property
    def params(self) -> list[tuple[str, str]]:
        """(converter, name) of each parameter, in order; ``str`` when the converter is not given."""
        return [(m["converter"] or "str", m["name"]) for m in _PARAM.finditer(self.template)]

    def url(self, values: dict[str, str]) -> str:
        return "/" + _PARAM.sub(lambda m: values[m["name"]], self.template)


def routes() -> Iterator[Route]:
    """Every path()-style pattern (regex patterns, the admin's and allauth's, are left out)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Route]:
        for entry in patterns:
            text = str(entry.pattern)
            if text.startswith("^"):
                continue
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + text)
            else:
                yield Route(prefix + text, entry.name or "")

    yield from walk(get_resolver().url_patterns, "")
