"""Cached reads: search results and saved searches.

A search result (one page of hits, the per-kind counts, the total) is plain data cached in the
``search`` family (``search.caches``) under the digest of its parameters. A repeated search is one
Redis round trip and no query (core.redis.cache_aside); any write to the user's content bumps the
family, so the next search recomputes. The user id is part of both the
key and every query, so nobody is ever served another user's results.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models.functions import Lower
from django.http import QueryDict
from django.urls import reverse

from search.backends import get_backend
from search.caches import SEARCH
from search.models import SavedSearch
from search.query import SearchParams


def search(user_id: int, params: SearchParams) -> dict[str, Any]:
    """``user_id``'s results for ``params``, plus ``took_ms`` (this call) and ``cached``."""
    started = time.perf_counter()
    digest = params.digest()
    found = SEARCH.get_or_compute(lambda: _compute(user_id, params), digest, user_id=user_id)
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


def warm_saved_searches(user_id: int) -> None:
    """Cache the results of each of the user's saved searches (``manage.py cache_warm``)."""
    from search.forms import SearchForm, querystring  # forms import the query module these reads share

    for saved in saved_searches(user_id):
        form = SearchForm(QueryDict(querystring(saved.params)))
        if form.is_valid():
            search(user_id, form.params())
