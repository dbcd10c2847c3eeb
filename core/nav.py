"""``nav``: the base layout's constant URLs, resolved once per process (a context processor).

The layout links to two dozen pages on every render; each ``{% url %}`` tag is a ``reverse()``
(resolver lookup, argument checks, quoting) that always gives the same answer. ``nav_urls`` resolves
them on first use and hands every later render the same dict (one per script prefix, so a deployment
under a sub-path gets its own). Templates write ``{{ nav.bookmarks }}`` for ``{% url
'content:bookmark_list' %}``. Only URLs without arguments belong here.
"""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

NAV_URLS = {
    "home": "home",
    "manifest": "capture:manifest",
    "bookmarks": "content:bookmark_list",
    "tasks": "content:task_list",
    "notes": "content:note_list",
    "files": "content:file_list",
    "tags": "content:tag_list",
    "analytics": "analytics:dashboard",
    "learning": "learning:catalogue",
    "habits": "habits:list",
    "time": "timetracking:overview",
    "search": "search:page",
    "quick_search": "search:quick",
    "marketplace": "marketplace:browse",
    "community": "community:feed",
    "messages": "messaging:inbox",
    "notifications": "messaging:notifications",
    "message_counts": "messaging:counts",
    "admin": "admin:index",
    "profile": "accounts:profile",
    "sessions": "accounts:sessions",
    "api_tokens": "api_tokens:list",
    "change_password": "account_change_password",
    "two_factor": "mfa_index",
    "logout": "account_logout",
}


@functools.cache
def _resolved(script_prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAV_URLS.items()}


def nav_urls(request: HttpRequest) -> dict[str, dict[str, str]]:
    return {"nav": _resolved(get_script_prefix())}
