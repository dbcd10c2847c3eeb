"""The content app's cache family: a user's list pages (bookmarks, tasks, notes, files, tags, projects).

One entry per list, filters and page number holds the page's rows (with their tags and parents), the
page's position and the owner's tags for the filter menu, so a repeated list page costs one Redis
round trip and no query. Every content write bumps the family after commit (``content.receivers``).
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import CacheFamily

LISTS = CacheFamily(
    name="lists",
    ttl=ttl.CONTENT_LISTS,
    invalidated_by=("content_changed",),
    description="a user's list pages, one entry per list, filters and page",
)
