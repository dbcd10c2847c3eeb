"""The learning app's cache families: the catalogue's popular and featured paths (global).

Both are one value for everyone, cached ``ttl.POPULAR_LEARNING_PATHS`` / ``FEATURED_LEARNING_PATHS``
(30 min) and invalidated by ``learning.events.path_changed`` (a path published, unpublished,
edited, deleted, (un)featured or rated: ``learning.receivers``), so a newly published path shows on
the next request. Enrolments alone do not invalidate them: popularity may lag up to 30 minutes.
"""

from __future__ import annotations

from core.redis import ttl
from core.redis.families import GLOBAL, CacheFamily


def _warm_popular() -> None:
    from learning import selectors  # selectors import this module

    selectors.popular_paths()


def _warm_featured() -> None:
    from learning import selectors

    selectors.featured_paths()


POPULAR_PATHS = CacheFamily(
    name="popular_paths",
    ttl=ttl.POPULAR_LEARNING_PATHS,
    scope=GLOBAL,
    invalidated_by=("path_changed",),
    warm_global=_warm_popular,
    description="the most popular published learning paths",
)

FEATURED_PATHS = CacheFamily(
    name="featured_paths",
    ttl=ttl.FEATURED_LEARNING_PATHS,
    scope=GLOBAL,
    invalidated_by=("path_changed",),
    warm_global=_warm_featured,
    description="published learning paths featured by staff",
)
