"""Marketplace reads: what a user may see, the browse pages, an item's reviews, an author's items.

Browsing all published items by trending, top rated or most downloaded reads one page of ids from
the Redis sorted set (one round trip) and then those rows; with a category, a tag or search words,
or when Redis cannot answer, the same order comes from the database (``ORDER BY`` over the counts
it keeps). Items that are not published are visible to their author and to staff only: everyone
else gets a 404, as for an item that does not exist.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from core.redis.errors import RedisUnavailable
from marketplace import rankings
from marketplace.caches import MARKETPLACE
from marketplace.models import Category, Download, Item, ItemTag, Review

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
REVIEWS_PAGE_SIZE = 20
SORTS = {
    "trending": "Trending",
    "top_rated": "Top rated",
    "newest": "Newest",
    "downloads": "Most downloaded",
}
DEFAULT_SORT = "trending"
_REDIS_SORTS = {
    "trending": rankings.trending,
    "top_rated": lambda start, stop, clock: rankings.top_rated(start, stop),
    "downloads": lambda start, stop, clock: rankings.most_downloaded(start, stop),
}


def published() -> QuerySet[Item]:
    return Item.objects.filter(status=Item.Status.PUBLISHED)


def item_for(user: Any, pk: int) -> Item:
    """Item ``pk`` if ``user`` may see it (published, or theirs, or they are staff), else 404."""
    item = Item.objects.select_related("author").prefetch_related("tags").filter(pk=pk).first()
    if item is None or not (item.is_published or item.author_id == user.pk or user.is_staff):
        raise Http404("No such item.")
    return item


def categories() -> list[dict[str, Any]]:
    """Every category with its number of published items (cached, global)."""

    def compute() -> list[dict[str, Any]]:
        counts = dict(
            published().order_by().values("category").annotate(n=Count("pk")).values_list("category", "n")
        )
        return [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Category.choices
        ]

    return MARKETPLACE.get_or_compute(compute, "categories").value


@dataclass(frozen=True)
class BrowseFilters:
    category: str = ""
    q: str = ""
    tag: str = ""
    sort: str = DEFAULT_SORT

    @property
    def narrowed(self) -> bool:
        """Only part of the catalogue: rankings come from the database then."""
        return bool(self.category or self.q or self.tag)


def _filtered(filters: BrowseFilters) -> QuerySet[Item]:
    queryset = published()
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.tag:
        queryset = queryset.filter(pk__in=ItemTag.objects.filter(name=filters.tag).values("item_id"))
    for word in filters.q.split()[:8]:
        tagged = ItemTag.objects.filter(name__icontains=word).values("item_id")
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(description__icontains=word) | Q(pk__in=tagged)
        )
    return queryset


def ordered(queryset: QuerySet[Item], sort: str, clock: rankings.Clock = timezone.now) -> QuerySet[Item]:
    """``queryset`` in the order of ``sort``, from the database's own counts (the Redis-free path)."""
    if sort == "trending":
        hours = rankings.trending_hours(clock())
        recent = Sum(
            "view_hours__count", filter=Q(view_hours__hour__gte=hours.start, view_hours__hour__lt=hours.stop)
        )
        return (
            queryset.annotate(recent_views=Coalesce(recent, 0))
            .filter(recent_views__gt=0)
            .order_by("-recent_views", "-pk")
        )
    if sort == "top_rated":
        return queryset.order_by("-rating_score", "-pk")
    if sort == "downloads":
        return queryset.order_by("-download_count", "-pk")
    return queryset.order_by("-published_at", "-pk")


def _with_cards(queryset: QuerySet[Item]) -> QuerySet[Item]:
    return queryset.select_related("author").prefetch_related("tags")


MAX_PAGE = 100_000  # beyond any catalogue; keeps Redis ranges within 64-bit integers


def _page_number(raw: Any) -> int:
    try:
        return min(max(1, int(str(raw))), MAX_PAGE)
    except ValueError:
        return 1


def _redis_page(filters: BrowseFilters, number: int, clock: rankings.Clock) -> Page:
    read = _REDIS_SORTS[filters.sort]
    start = (number - 1) * PAGE_SIZE
    found = read(start, start + PAGE_SIZE - 1, clock)
    if not found.ids and found.total and start >= found.total:  # past the end: the last page
        number = (found.total - 1) // PAGE_SIZE + 1
        start = (number - 1) * PAGE_SIZE
        found = read(start, start + PAGE_SIZE - 1, clock)
    rows = {item.pk: item for item in _with_cards(published().filter(pk__in=found.ids))}
    items = []
    for pk, score in zip(found.ids, found.scores, strict=True):
        if pk in rows:  # withdrawn since, or deleted: skipped until the set forgets it
            rows[pk].rank_score = score  # type: ignore[attr-defined]
            items.append(rows[pk])
    return Page(items, number, Paginator(range(found.total), PAGE_SIZE))


def browse(filters: BrowseFilters, page: Any = None, clock: rankings.Clock = timezone.now) -> Page:
    """One page of published items for the browse page."""
    number = _page_number(page)
    if filters.sort in _REDIS_SORTS and not filters.narrowed:
        try:
            return _redis_page(filters, number, clock)
        except RedisUnavailable as error:
            logger.warning("marketplace ranking read from the database: %s", error)
    queryset = _with_cards(ordered(_filtered(filters), filters.sort, clock))
    return Paginator(queryset, PAGE_SIZE).get_page(number)


# --- one item -------------------------------------------------------------------------------------


def reviews(item: Item, page: Any = None) -> Page:
    queryset = Review.objects.filter(item=item).select_related("user").order_by("-updated_at", "-pk")
    return Paginator(queryset, REVIEWS_PAGE_SIZE).get_page(page)


def own_review(user: Any, item: Item) -> Review | None:
    return Review.objects.filter(item=item, user_id=user.pk).first()


def has_added(user: Any, item: Item) -> bool:
    return Download.objects.filter(item=item, user_id=user.pk).exists()


# --- authors and profiles -------------------------------------------------------------------------


def authored_by(author_id: int) -> QuerySet[Item]:
    """Every item of an author, newest first, with their counts (the author's own page)."""
    return Item.objects.filter(author_id=author_id).prefetch_related("tags").order_by("-created_at", "-pk")


def published_by(author_id: int, limit: int = 50) -> list[Item]:
    """An author's published items, newest first (their public profile)."""
    return list(published().filter(author_id=author_id).order_by("-published_at", "-pk")[:limit])


def published_since(author_ids: list[int], limit: int) -> list[Item]:
    """The newest items published by any of ``author_ids`` (the community feed)."""
    queryset = published().filter(author_id__in=author_ids).select_related("author")
    return list(queryset.order_by("-published_at", "-pk")[:limit])
