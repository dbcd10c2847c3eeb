"""One way to show a moment everywhere: ``{{ value|when }}`` and ``{{ value|when:"day" }}``.

Each renders ``<time datetime="…" data-tk-time="datetime|day|date">`` with the text in the user's
time zone (the request's active zone) in one fixed English format ("Nov 30, 2026, 7:35 AM", "Nov 30,
2026"). ``static/js/time.js`` then rewrites every such element in the browser's own locale with
``Intl.DateTimeFormat`` (medium date, short time) in that same zone, and live-rendered elements (new
messages) use the same function: one format, wherever the time comes from. A ``date`` (a due date)
is a calendar day, never shifted between zones.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html

register = template.Library()

DAY_FORMAT = "M j, Y"  # what Intl's "medium" date style gives in en-US
DATETIME_FORMAT = "M j, Y, g:i A"  # ... with its "short" time style


@register.filter
def when(value: dt.datetime | dt.date | None, style: str = "datetime") -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return format_html(
            '<time datetime="{}" data-tk-time="date">{}</time>',
            value.isoformat(),
            dateformat.format(value, DAY_FORMAT),
        )
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    kind = "day" if style == "day" else "datetime"
    text = dateformat.format(local, DAY_FORMAT if kind == "day" else DATETIME_FORMAT)
    return format_html('<time datetime="{}" data-tk-time="{}">{}</time>', local.isoformat(), kind, text)
