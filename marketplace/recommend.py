"""Marketplace items in the user's recommendations (``analytics.recommendations``' extension point).

Content-based, like the learning paths there: published items by others that the user has not
added nor dismissed, scored by how well the item's tags match the user's tag weights (what their
own items carry, recent ones counting more), plus a little for downloads and the Bayesian rating.
Only items that match at least one of the user's tags or that someone downloaded are suggested.
Registered from ``marketplace.apps`` (analytics never imports the marketplace); adding an item
(``events.item_added``) bumps the user's cached suggestions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from django.urls import reverse

from analytics.models import Dismissal
from analytics.recommendations import MAX_CANDIDATES, Source, tag_match
from marketplace import events, selectors
from marketplace.models import Download, ItemTag
from marketplace.rating import PRIOR_MEAN

TAG_WEIGHT = 3.0
DOWNLOADS_WEIGHT = 0.5
RATING_WEIGHT = 0.5


def suggest(user_id: int, weights: dict[str, float], dismissed: set[int]) -> list[dict[str, Any]]:
    added = Download.objects.filter(user_id=user_id).values("item_id")
    candidates = list(
        selectors.published()
        .exclude(author_id=user_id)
        .exclude(pk__in=added)
        .exclude(pk__in=dismissed)
        .order_by("-download_count", "-id")
        .values("id", "title", "kind", "download_count", "rating_score", "rating_count")[:MAX_CANDIDATES]
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for item_id, name in ItemTag.objects.filter(item_id__in=[c["id"] for c in candidates]).values_list(
        "item_id", "name"
    ):
        tags[item_id].append(name.lower())
    most = max((c["download_count"] for c in candidates), default=0)
    scored = []
    for c in candidates:
        tag_score, hits = tag_match(tags[c["id"]], weights)
        if not hits and not c["download_count"]:
            continue
        popular = math.log1p(c["download_count"]) / math.log1p(most) if most else 0.0
        rated = max(0.0, c["rating_score"] - PRIOR_MEAN) / (5 - PRIOR_MEAN) if c["rating_count"] else 0.0
        score = TAG_WEIGHT * tag_score + DOWNLOADS_WEIGHT * popular + RATING_WEIGHT * rated
        n = c["download_count"]
        reasons = [f"Matches your tags: {', '.join(hits)}"] if hits else []
        if n:
            reasons.append(f"Added by {n} {'people' if n != 1 else 'person'}")
        scored.append(
            {
                "id": c["id"],
                "title": c["title"],
                "url": reverse("marketplace:item", args=[c["id"]]),
                "score": round(score, 3),
                "reasons": reasons,
            }
        )
    scored.sort(key=lambda s: (-s["score"], s["id"]))
    return scored


MARKETPLACE_ITEMS = Source(
    key="items",
    heading="From the marketplace",
    empty="No marketplace item to suggest yet: tag your items, and suggestions follow.",
    dismissal=Dismissal.Kind.ITEM,
    suggest=suggest,
    interaction=events.item_added,
)
