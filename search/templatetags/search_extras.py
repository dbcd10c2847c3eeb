"""Template helpers of the search pages: highlighted text from segments, labels, safe links."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

from django import template
from django.utils.safestring import SafeString, mark_safe

from content.models import Task

register = template.Library()

KIND_LABELS = {"bookmark": "Bookmark", "task": "Task", "note": "Note", "file": "File"}
KIND_PLURALS = {"bookmark": "Bookmarks", "task": "Tasks", "note": "Notes", "file": "Files"}


@register.filter
def highlighted(segments: list[list[Any]]) -> SafeString:
    """``[[text, marked], ...]`` as HTML: every text escaped, marked ones inside ``<mark>``."""
    # stdlib escaping (what Django's escape() runs, without its lazy-string wrapper): this runs for
    # every hit of every JSON search response, so it is on the hot path.
    parts = []
    for text, marked in segments or []:
        escaped = html.escape(str(text))
        parts.append(f"<mark>{escaped}</mark>" if marked else escaped)
    return mark_safe("".join(parts))  # every piece was escaped just above


@register.filter
def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@register.filter
def web_url(url: str) -> str:
    """``url`` if it is an http(s) address (safe in an ``href``), else an empty string."""
    return url if urlsplit(url or "").scheme in ("http", "https") else ""


@register.filter
def task_status(value: str) -> str:
    return str(dict(Task.Status.choices).get(value, value))


@register.filter
def task_priority(value: str) -> str:
    return str(dict(Task.Priority.choices).get(value, value))
