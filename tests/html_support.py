"""Reading rendered pages in tests: element ids, and the ids that repeat."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.extend(value for name, value in attrs if name == "id" and value)


def repeated_ids(html: str) -> list[str]:
    """The element ids that occur more than once in ``html`` (HTML requires them unique)."""
    parser = _Ids()
    parser.feed(html)
    return sorted(name for name, count in Counter(parser.ids).items() if count > 1)
