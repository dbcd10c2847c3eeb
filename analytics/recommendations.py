"""Recommendations: learning paths to take next and forgotten bookmarks worth revisiting.

Content-based scoring in the database and Python, no external service:

- **Paths**: published paths the user neither created nor enrolled in, scored by how well their
  tags match the user's tags (how many of the user's items carry each tag, items of the last 30
  days counting triple), the categories of the paths the user takes, what similar users (who share
  a path with the user) completed, and a little popularity and rating.
- **Bookmarks**: the user's bookmarks untouched for 30 days that are unread or favourites, scored by
  how well their tags match what the user worked on lately, favourites first, older a little more.

Each suggestion carries its reasons. "Not interested" (``Dismissal``) hides one for good. The
result is cached per user for an hour (``RECOMMENDATIONS``), bumped by the user's interactions; a
manual refresh recomputes it (rate limited by the ``expensive`` policy).

Extension point: apps above analytics (the marketplace: analytics never imports it) add a section
with ``register_source(Source(...))`` from their ``ready()``: a function scoring their own
candidates from the user's tag weights, minus what the user dismissed, and the signal of an
interaction (sent with ``user_id=``) that bumps the user's cached suggestions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.dispatch import Signal
from django.utils import timezone

from analytics.caches import RECOMMENDATIONS
from analytics.models import Dismissal
from content.models import Bookmark, Tag
from learning import selectors as learning_selectors
from learning.models import Enrollment, LearningPath

LIMIT = 5
RECENT_DAYS = 30
FORGOTTEN_DAYS = 30
RECENT_WEIGHT = 3
MAX_CANDIDATES = 2000
SIMILAR_USERS = 500
# Tag relation -> the item field of its through table.
RELATIONS = {"bookmarks": "bookmark", "tasks": "task", "notes": "note", "files": "storedfile"}


@dataclass(frozen=True)
class Source:
    """A section of suggestions another app adds (e.g. the marketplace's items)."""

    key: str  # the section's key in the result: "items"
    heading: str  # "Marketplace items for you"
    empty: str  # shown when there is nothing to suggest
    dismissal: str  # the Dismissal.Kind its "not interested" stores
    # user id, the user's normalised tag weights, dismissed ids -> suggestions, best first, each
    # {"id", "title", "url", "score", "reasons"}
    suggest: Callable[[int, dict[str, float], set[int]], list[dict[str, Any]]]
    interaction: Signal  # sent with user_id= when the user acts on one (bumps their suggestions)


_sources: dict[str, Source] = {}


def _on_interaction(sender: Any, *, user_id: int, **kwargs: Any) -> None:
    RECOMMENDATIONS.invalidate(user_id)


def register_source(source: Source) -> Source:
    """Add a section (idempotent for the same declaration; another one under a taken key fails)."""
    existing = _sources.get(source.key)
    if existing is not None and existing != source:
        raise ValueError(f"recommendation source {source.key!r} is already registered differently")
    if source.dismissal not in Dismissal.Kind.values:
        raise ValueError(f"unknown dismissal kind {source.dismissal!r}")
    _sources[source.key] = source
    source.interaction.connect(_on_interaction, dispatch_uid=f"analytics.rec.{source.key}", weak=False)
    return source


def unregister_source(key: str) -> None:
    source = _sources.pop(key, None)
    if source is not None:
        source.interaction.disconnect(dispatch_uid=f"analytics.rec.{source.key}")


def _tag_profile(user_id: int, since: dt.datetime) -> tuple[Counter[str], Counter[str]]:
    """(all-time weights, recent weights) of the user's tag names, lowercased."""
    overall: Counter[str] = Counter()
    recent: Counter[str] = Counter()
    for relation, item in RELATIONS.items():
        through = getattr(Tag, relation).rel.through
        created = f"{item}__created_at"
        rows = (
            through.objects.filter(tag__owner_id=user_id)
            .order_by()
            .values("tag__name")
            .annotate(n=Count("pk"), fresh=Count("pk", filter=Q(**{f"{created}__gte": since})))
        )
        for row in rows:
            name = row["tag__name"].lower()
            overall[name] += row["n"] + (RECENT_WEIGHT - 1) * row["fresh"]
            recent[name] += row["fresh"]
    return overall, recent


def _normalised(weights: Counter[str]) -> dict[str, float]:
    top = max(weights.values(), default=0)
    return {name: n / top for name, n in weights.items()} if top else {}


def _dismissed(user_id: int, kind: str) -> set[int]:
    return set(Dismissal.objects.filter(user_id=user_id, kind=kind).values_list("object_id", flat=True))


def tag_match(tags: list[str], weights: dict[str, float]) -> tuple[float, list[str]]:
    hits = sorted((t for t in tags if t in weights), key=lambda t: -weights[t])
    return (sum(weights[t] for t in hits) / max(1, len(tags)) if hits else 0.0), hits[:3]


def _paths(user_id: int, weights: dict[str, float]) -> list[dict[str, Any]]:
    mine = list(Enrollment.objects.filter(user_id=user_id).values_list("path_id", "path__category"))
    enrolled = {path_id for path_id, _ in mine}
    categories = Counter(category for _, category in mine)
    similar = set(
        Enrollment.objects.filter(path_id__in=enrolled)
        .exclude(user_id=user_id)
        .values_list("user_id", flat=True)[:SIMILAR_USERS]
    )
    co_completed = Counter(
        dict(
            Enrollment.objects.filter(user_id__in=similar, completed_at__isnull=False)
            .order_by()
            .values("path_id")
            .annotate(n=Count("pk"))
            .values_list("path_id", "n")
        )
    )
    candidates = list(
        learning_selectors.with_stats(learning_selectors.published())
        .exclude(creator_id=user_id)
        .exclude(pk__in=enrolled | _dismissed(user_id, Dismissal.Kind.PATH))
        .values("id", "title", "category", "difficulty", "tags", "learners", "avg_rating")[:MAX_CANDIDATES]
    )
    most_learners = max((c["learners"] for c in candidates), default=0)
    most_co = max(co_completed.values(), default=0)
    top_category = max(categories.values(), default=0)
    labels = dict(LearningPath.Category.choices)
    scored = []
    for c in candidates:
        tags = [name for name in c["tags"].split(", ") if name]
        tag_score, hits = tag_match(tags, weights)
        category = categories.get(c["category"], 0) / top_category if top_category else 0.0
        co = co_completed.get(c["id"], 0) / most_co if most_co else 0.0
        popular = math.log1p(c["learners"]) / math.log1p(most_learners) if most_learners else 0.0
        rating = float(c["avg_rating"] or 0) / 5
        score = 3 * tag_score + 1.5 * category + 2 * co + 0.5 * popular + 0.25 * rating
        if score <= 0:
            continue
        reasons = []
        if hits:
            reasons.append(f"Matches your tags: {', '.join(hits)}")
        if category:
            reasons.append(f"You are learning {labels.get(c['category'], c['category'])}")
        if co:
            n = co_completed[c["id"]]
            reasons.append(f"Completed by {n} learner{'s' if n != 1 else ''} who share a path with you")
        if not reasons:
            reasons.append(f"Popular: {c['learners']} learner{'s' if c['learners'] != 1 else ''}")
        scored.append(
            {
                "id": c["id"],
                "title": c["title"],
                "category": c["category"],
                "score": round(score, 3),
                "reasons": reasons,
            }
        )
    scored.sort(key=lambda s: (-s["score"], s["id"]))
    return scored[:LIMIT]


def _bookmarks(user_id: int, recent: dict[str, float], now: dt.datetime) -> list[dict[str, Any]]:
    before = now - dt.timedelta(days=FORGOTTEN_DAYS)
    candidates = list(
        Bookmark.objects.filter(owner_id=user_id, updated_at__lt=before)
        .filter(Q(is_read=False) | Q(is_favorite=True))
        .exclude(pk__in=_dismissed(user_id, Dismissal.Kind.BOOKMARK))
        .order_by("-is_favorite", "updated_at")
        .values("id", "title", "url", "is_favorite", "is_read", "updated_at")[:MAX_CANDIDATES]
    )
    tags: dict[int, list[str]] = defaultdict(list)
    through = Tag.bookmarks.rel.through
    for bookmark_id, name in through.objects.filter(
        bookmark_id__in=[c["id"] for c in candidates]
    ).values_list("bookmark_id", "tag__name"):
        tags[bookmark_id].append(name.lower())
    scored = []
    for c in candidates:
        tag_score, hits = tag_match(tags[c["id"]], recent)
        idle_days = (now - c["updated_at"]).days
        score = 2 * tag_score + (1 if c["is_favorite"] else 0) + (0.5 if not c["is_read"] else 0)
        score += 0.5 * min(1.0, idle_days / 365)
        reasons = []
        if hits:
            reasons.append(f"Tagged like your recent work: {', '.join(hits)}")
        if c["is_favorite"]:
            reasons.append(f"A favourite you have not touched in {idle_days} days")
        elif not c["is_read"]:
            reasons.append(f"Unread for {idle_days} days")
        scored.append(
            {
                "id": c["id"],
                "title": c["title"],
                "url": c["url"],
                "score": round(score, 3),
                "reasons": reasons,
            }
        )
    scored.sort(key=lambda s: (-s["score"], s["id"]))
    return scored[:LIMIT]


def compute(user_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    overall, recent = _tag_profile(user_id, now - dt.timedelta(days=RECENT_DAYS))
    weights = _normalised(overall)
    return {
        "computed_at": now,
        "paths": _paths(user_id, weights),
        "bookmarks": _bookmarks(user_id, _normalised(recent), now),
        "sections": [
            {
                "key": source.key,
                "heading": source.heading,
                "empty": source.empty,
                "dismissal": source.dismissal,
                "suggestions": source.suggest(user_id, weights, _dismissed(user_id, source.dismissal))[
                    :LIMIT
                ],
            }
            for source in _sources.values()
        ],
    }


def recommendations(user_id: int) -> dict[str, Any]:
    """The user's cached suggestions (computed on a miss)."""
    return RECOMMENDATIONS.get_or_compute(lambda: compute(user_id), user_id=user_id).value


def refresh(user_id: int) -> dict[str, Any]:
    """Throw the cached suggestions away and compute them now (the manual refresh)."""
    RECOMMENDATIONS.invalidate(user_id)
    return recommendations(user_id)


def not_interested(user_id: int, kind: str, object_id: int) -> None:
    """Never suggest this path, bookmark (or another source's item) to the user again."""
    if kind not in Dismissal.Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    try:
        with transaction.atomic():
            Dismissal.objects.create(user_id=user_id, kind=kind, object_id=object_id)
    except IntegrityError:
        pass  # dismissed already (a double click)
    transaction.on_commit(lambda: RECOMMENDATIONS.invalidate(user_id))
