"""Template filters for marketplace pages: kind labels and star ratings."""

from __future__ import annotations

from django import template

from marketplace import kinds

register = template.Library()


@register.filter
def kind_label(key: str) -> str:
    """The label of an item kind (its key, tidied, when the kind is not registered here)."""
    return kinds.label(key)


@register.filter
def stars(value: float | int | None) -> str:
    """A rating as five stars, rounded to the nearest whole star: ``★★★★☆``."""
    if value is None:
        return "☆☆☆☆☆"
    full = max(0, min(5, round(float(value))))
    return "★" * full + "☆" * (5 - full)
