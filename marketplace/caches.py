"""The marketplace's cache family, and the warm hook that rebuilds its sorted sets.

``MARKETPLACE`` (global) caches the browse page's category list with published-item counts; it is
invalidated whenever an item enters or leaves the published set (``marketplace.services``).

Warming it (``manage.py cache_warm --family marketplace``, or ``manage.py rebuild_rankings``) first
rebuilds every marketplace sorted set from the database (``marketplace.rankings.rebuild``: top rated,
most downloaded, the recent hour buckets; trending follows on the next read), safe while serving,
then fills the category list. After a Redis flush or failover that lost the state role, this is
the one command that brings the marketplace's rankings back.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import GLOBAL, CacheFamily


def _warm() -> None:
    from marketplace import rankings, selectors  # selectors import this module

    rankings.rebuild()
    selectors.categories()


MARKETPLACE = CacheFamily(
    name="marketplace",
    ttl=ttl.MARKETPLACE_CATEGORIES,
    scope=GLOBAL,
    invalidated_by=("item_published", "item_withdrawn", "item_approved", "item_rejected"),
    warm_global=_warm,
    description="marketplace category counts; warming rebuilds the marketplace's sorted sets",
)
