"""Reads of the learning app: the cached catalogue rows, browsing, a path's page, "my learning".

Popular and featured paths are each one cached value for everyone (``learning.caches``): a warm
read is one Redis round trip and no query. Counts per path (modules, learners, completions,
ratings) are correlated subqueries, so a list of paths is one query whatever its size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from learning.caches import FEATURED_PATHS, POPULAR_PATHS
from learning.models import Enrollment, LearningPath, Module, ModuleProgress, Rating

CATALOGUE_SIZE = 12
SORTS = {
    "popular": ("-learners", "-avg_rating", "-published_at", "-id"),
    "rating": ("-avg_rating", "-rating_count", "-learners", "-id"),
    "new": ("-published_at", "-id"),
    "title": ("title", "id"),
}
CARD_FIELDS = (
    "id", "title", "description", "category", "difficulty", "estimated_minutes", "tags", "is_featured",
    "creator__username", "modules_count", "learners", "completions", "avg_rating", "rating_count",
)  # fmt: skip


def _count(model: Any, **filters: Any) -> Coalesce:
    rows = model.objects.filter(path=OuterRef("pk"), **filters).order_by().values("path")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0, output_field=IntegerField())


def with_stats(queryset: QuerySet[LearningPath]) -> QuerySet[LearningPath]:
    ratings = Rating.objects.filter(path=OuterRef("pk")).order_by().values("path")
    return queryset.annotate(
        modules_count=_count(Module),
        learners=_count(Enrollment),
        completions=_count(Enrollment, completed_at__isnull=False),
        rating_count=_count(Rating),
        avg_rating=Subquery(ratings.annotate(a=Avg("stars")).values("a")[:1]),
    )


def published() -> QuerySet[LearningPath]:
    return LearningPath.objects.filter(is_published=True)


def _cards(queryset: QuerySet[LearningPath]) -> list[dict[str, Any]]:
    rows = list(queryset.values(*CARD_FIELDS))
    for row in rows:
        row["avg_rating"] = round(float(row["avg_rating"]), 1) if row["avg_rating"] is not None else None
        row["tag_list"] = [name for name in row.pop("tags").split(", ") if name]
    return rows


def compute_popular(limit: int = CATALOGUE_SIZE) -> list[dict[str, Any]]:
    return _cards(with_stats(published()).order_by(*SORTS["popular"])[:limit])


def compute_featured(limit: int = CATALOGUE_SIZE) -> list[dict[str, Any]]:
    return _cards(with_stats(published().filter(is_featured=True)).order_by(*SORTS["new"])[:limit])


def popular_paths() -> list[dict[str, Any]]:
    """The most popular published paths (by learners, then rating), cached for everyone."""
    return POPULAR_PATHS.get_or_compute(compute_popular).value


def featured_paths() -> list[dict[str, Any]]:
    return FEATURED_PATHS.get_or_compute(compute_featured).value


def browse(*, query: str = "", category: str = "", difficulty: str = "", sort: str = "popular") -> QuerySet:
    """Published paths matching the filters, with their stats (not cached: filters vary)."""
    paths = with_stats(published()).select_related("creator")
    if query:
        paths = paths.filter(
            Q(title__icontains=query) | Q(description__icontains=query) | Q(tags__icontains=query)
        )
    if category:
        paths = paths.filter(category=category)
    if difficulty:
        paths = paths.filter(difficulty=difficulty)
    return paths.order_by(*SORTS.get(sort, SORTS["popular"]))


@dataclass(frozen=True)
class Progress:
    """One learner's state on one path."""

    enrollment: Enrollment | None
    done_ids: frozenset[int]
    total: int

    @property
    def done(self) -> int:
        return len(self.done_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_on(user_id: int, path: LearningPath, total: int) -> Progress:
    enrollment = Enrollment.objects.filter(user_id=user_id, path=path).first()
    done: frozenset[int] = frozenset()
    if enrollment is not None:
        done = frozenset(
            ModuleProgress.objects.filter(enrollment=enrollment).values_list("module_id", flat=True)
        )
    return Progress(enrollment, done, total)


def modules_with_resources(path: LearningPath) -> list[Module]:
    resources = "resources__bookmark", "resources__note"
    return list(path.modules.prefetch_related("resources", *resources))


def my_enrollments(user_id: int) -> list[dict[str, Any]]:
    """The user's paths with done/total modules, unfinished first (one query)."""
    done = ModuleProgress.objects.filter(enrollment=OuterRef("pk")).order_by().values("enrollment")
    rows = (
        Enrollment.objects.filter(user_id=user_id)
        .annotate(
            done=Coalesce(Subquery(done.annotate(n=Count("pk")).values("n")[:1]), 0),
            total=Coalesce(
                Subquery(
                    Module.objects.filter(path=OuterRef("path"))
                    .order_by()
                    .values("path")
                    .annotate(n=Count("pk"))
                    .values("n")[:1]
                ),
                0,
            ),
        )
        .order_by(F("completed_at").asc(nulls_first=True), "-enrolled_at")
        .values("path_id", "path__title", "path__category", "enrolled_at", "completed_at", "done", "total")
    )
    result = []
    for row in rows:
        row["percent"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
        result.append(row)
    return result


def created_by(user_id: int) -> QuerySet[LearningPath]:
    return with_stats(LearningPath.objects.filter(creator_id=user_id)).order_by("-updated_at")


def reviews(path: LearningPath, limit: int = 20) -> QuerySet[Rating]:
    return path.ratings.select_related("user").order_by("-updated_at")[:limit]


def completed_path_ids(
    user_id: int, start: dt.datetime, end: dt.datetime, path_ids: list[int] | None = None
) -> list[int]:
    """The paths the user finished (every module done) inside ``[start, end)``."""
    enrollments = Enrollment.objects.filter(user_id=user_id, completed_at__gte=start, completed_at__lt=end)
    if path_ids is not None:
        enrollments = enrollments.filter(path_id__in=path_ids)
    return list(enrollments.order_by("path_id").values_list("path_id", flat=True))


def published_paths_of(creator_id: int) -> list[tuple[int, str]]:
    """``(id, title)`` of the creator's published paths, newest first (what they may share)."""
    paths = published().filter(creator_id=creator_id).order_by("-published_at", "-id")
    return list(paths.values_list("pk", "title"))


def published_path_of(creator_id: int, path_id: int) -> LearningPath | None:
    """One of the creator's published paths, or None (a draft, someone else's, missing)."""
    return published().filter(creator_id=creator_id, pk=path_id).first()
