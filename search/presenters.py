"""What the search pages show around the hits: kind chips with their counts, removable chips for
the active filters, page links, and a one-line description of saved parameters.

Everything works on a search form's canonical parameters (``SearchForm.canonical()``: name to list
of strings), so a link is the current search with one thing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from content.models import Task
from search.forms import in_form_order, querystring
from search.models import KINDS
from search.templatetags.search_extras import KIND_PLURALS

_FLAG_LABELS = {
    ("favorite", "yes"): "Favourites",
    ("favorite", "no"): "Not favourites",
    ("read", "yes"): "Read",
    ("read", "no"): "Unread",
    ("pinned", "yes"): "Pinned",
    ("pinned", "no"): "Not pinned",
}
_STATUS = dict(Task.Status.choices)
_PRIORITY = dict(Task.Priority.choices)


@dataclass(frozen=True)
class Chip:
    label: str
    query: str  # the query string this chip leads to
    active: bool = False
    count: int | None = None


def kind_chips(params: dict[str, list[str]], counts: dict[str, int]) -> list[Chip]:
    """An "All" chip, then one per kind; a click on a kind toggles it in the search."""
    selected = params.get("kind", [])
    chips = [Chip("All", querystring(params, kind=[]), active=not selected, count=sum(counts.values()))]
    for kind in KINDS:
        toggled = [k for k in selected if k != kind] if kind in selected else [*selected, kind]
        chips.append(
            Chip(KIND_PLURALS[kind], querystring(params, kind=toggled), kind in selected, counts[kind])
        )
    return chips


def _label(name: str, value: str) -> str:
    if (name, value) in _FLAG_LABELS:
        return _FLAG_LABELS[(name, value)]
    labels = {
        "kind": lambda: KIND_PLURALS.get(value, value),
        "tag": lambda: f"Tag: {value}",
        "since": lambda: f"From {value}",
        "until": lambda: f"To {value}",
        "status": lambda: f"Status: {_STATUS.get(value, value)}",
        "priority": lambda: f"Priority: {_PRIORITY.get(value, value)}",
    }
    return labels[name]() if name in labels else value


def filter_chips(params: dict[str, list[str]]) -> list[Chip]:
    """One removable chip per active filter value (kinds have their own chips)."""
    chips = []
    for name, values in params.items():
        if name in ("q", "kind"):
            continue
        for value in values:
            rest = [v for v in values if v != value]
            chips.append(Chip(_label(name, value), querystring(params, **{name: rest})))
    return chips


def describe(params: dict[str, Any]) -> list[str]:
    """Saved parameters in words: the query in quotes, then each filter."""
    parts = [f"“{params['q'][0]}”"] if params.get("q") else []
    for name in in_form_order(params):
        if name != "q":
            parts.extend(_label(name, str(value)) for value in params[name])
    return parts


def page_queries(params: dict[str, list[str]], page: int, pages: int) -> dict[str, str | None]:
    """Query strings of the previous and next pages (None at either end)."""
    return {
        "previous": querystring(params, page=[str(page - 1)]) if page > 1 else None,
        "next": querystring(params, page=[str(page + 1)]) if page < pages else None,
    }
