"""Template filters of the learning pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def stars(count: int | None) -> str:
    """``★★★☆☆`` for 3 (out of 5)."""
    filled = max(0, min(5, int(count or 0)))
    return "★" * filled + "☆" * (5 - filled)


@register.filter
def hours(minutes: int | None) -> str:
    """An estimated duration: ``45 min``, ``2 h``, ``1 h 30 min``."""
    minutes = int(minutes or 0)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h" + (f" {rest} min" if rest else "")
