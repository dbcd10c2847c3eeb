"""The search app's cache family: a user's search results, invalidated by every content write.

A result (one page of hits, the per-kind counts, the total) is cached for ``SEARCH_RESULTS_TTL``
under the digest of its parameters; any write to the user's content bumps the family after the index
has been updated (``search.receivers``). Warming runs the user's saved searches.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import CacheFamily


def _warm(user_id: int) -> None:
    from search import selectors  # selectors import this module

    selectors.warm_saved_searches(user_id)


SEARCH = CacheFamily(
    name="search",
    ttl=ttl.SEARCH_RESULTS,
    invalidated_by=("content_changed", "search_reindex"),
    warm_user=_warm,
    description="a user's search results, one entry per query and filters",
)
