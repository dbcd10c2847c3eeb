"""Cached reads: search results and saved searches.

A search result (one page of hits, the per-kind counts, the total) is plain data cached for
``ttl.SEARCH_RESULTS`` under ``search:{u:<uid>}:g<generation>:<digest of the parameters>``. A
repeated search is one Redis round trip and no query (core.redis.generational); any write to the
user's content bumps the generation, so the next search recomputes. The user id is part of both the
key and every query, so nobody is ever served another user's results.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models.functions import Lower
from django.urls import reverse

from core.redis import caching, generational, keys, ttl
from search.backends import get_backend
from search.models import SavedSearch
from search.query import SearchParams


def search(user_id: int, params: SearchParams) -> dict[str, Any]:
    """``user_id``'s results for ``params``, plus ``took_ms`` (this call) and ``cached``."""
    started = time.perf_counter()
    digest = params.digest()
    found = generational.get_or_compute(
        caching.SEARCH,
        user_id,
        lambda generation: keys.search_cache_key(user_id, generation, digest),
        lambda: _compute(user_id, params),
        ttl.SEARCH_RESULTS,
    )
    return {**found.value, "cached": found.hit, "took_ms": round((time.perf_counter() - started) * 1000, 2)}


def _compute(user_id: int, params: SearchParams) -> dict[str, Any]:
    result = get_backend().search(user_id, params)
    for hit in result["hits"]:
        hit["url"] = reverse(f"content:{hit['kind']}_detail", args=[hit["id"]])
    return result


def saved_searches(user_id: int) -> list[SavedSearch]:
    """The user's saved searches by name."""
    return list(SavedSearch.objects.filter(owner_id=user_id).order_by(Lower("name"), "pk"))


def saved_search_count(user_id: int) -> int:
    return SavedSearch.objects.filter(owner_id=user_id).count()
