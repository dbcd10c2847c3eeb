"""Community reads: challenge lists and boards, profiles, follower lists and the feed.

Challenges are public to every signed-in user. The open-challenges list is one cached value
(``community.caches.CHALLENGES``); a board is one Redis round trip plus one query for the names
(``community.leaderboard``), or the database when Redis cannot answer or the challenge is over.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community import leaderboard, targets
from community.caches import CHALLENGES
from community.models import Challenge, Follow, Participant
from core.redis.errors import RedisUnavailable
from marketplace import selectors as marketplace_selectors

logger = logging.getLogger(__name__)

BOARD_SIZE = 20
FEED_SIZE = 50


def challenge_or_404(pk: int) -> Challenge:
    challenge = Challenge.objects.select_related("creator").filter(pk=pk).first()
    if challenge is None:
        raise Http404("No such challenge.")
    return challenge


def target_label(challenge: Challenge) -> str:
    try:
        return targets.get(challenge.target).describe(challenge.goal)
    except targets.UnknownTarget:
        return f"{challenge.target.replace('_', ' ')}: {challenge.goal}"


def open_challenges() -> list[dict[str, Any]]:
    """Running and upcoming challenges, ending soonest first, with participant counts (cached)."""

    def compute() -> list[dict[str, Any]]:
        rows = (
            Challenge.objects.filter(finished_at__isnull=True, ends_at__gt=timezone.now())
            .select_related("creator")
            .annotate(participant_count=Count("participants"))
            .order_by("ends_at", "pk")[:200]
        )
        return [
            {
                "id": c.pk,
                "title": c.title,
                "target": target_label(c),
                "starts_at": c.starts_at,
                "ends_at": c.ends_at,
                "creator": c.creator.username,
                "participants": c.participant_count,
            }
            for c in rows
        ]

    return CHALLENGES.get_or_compute(compute, "open").value


def finished_challenges() -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(finished_at__isnull=False)
        .annotate(participant_count=Count("participants"))
        .order_by("-ends_at", "-pk")
    )


def joined_ids(user_id: int) -> set[int]:
    return set(Participant.objects.filter(user_id=user_id).values_list("challenge_id", flat=True))


def participant(challenge: Challenge, user_id: int) -> Participant | None:
    return Participant.objects.filter(challenge=challenge, user_id=user_id).first()


def board(challenge: Challenge, user_id: int, size: int = BOARD_SIZE) -> leaderboard.Board:
    """The board of ``challenge`` as ``user_id`` sees it, with every shown participant's name."""
    result: leaderboard.Board | None = None
    if challenge.finished_at is None:
        try:
            result = leaderboard.read(challenge.pk, user_id, size)
        except RedisUnavailable as error:
            logger.warning("leaderboard read from the database: %s", error)
    if result is None:
        result = leaderboard.read_from_database(challenge, user_id, size)
    ids = {entry.user_id for entry in result.top} | ({result.own.user_id} if result.own else set())
    names = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
    return replace(result, usernames=names)


# --- people ---------------------------------------------------------------------------------------


def active_user_or_404(username: str) -> Any:
    if "\x00" in username:  # PostgreSQL cannot compare text with NUL; no username has one
        raise Http404("No such person.")
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise Http404("No such person.")
    return user


def is_following(follower_id: int, followee_id: int) -> bool:
    return Follow.objects.filter(follower_id=follower_id, followee_id=followee_id).exists()


def follow_counts(user_id: int) -> dict[str, int]:
    return {
        "followers": Follow.objects.filter(followee_id=user_id).count(),
        "following": Follow.objects.filter(follower_id=user_id).count(),
    }


def followers_of(user_id: int) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(following_set__followee_id=user_id, is_active=True)
        .order_by("username")
    )


def followed_by(user_id: int) -> QuerySet[Any]:
    return (
        get_user_model()
        .objects.filter(follower_set__follower_id=user_id, is_active=True)
        .order_by("username")
    )


def challenge_results(user_id: int, limit: int = 50) -> list[Participant]:
    """Challenges the user completed or that are over, most recent first (their public profile)."""
    rows = Participant.objects.filter(
        Q(challenge__finished_at__isnull=False) | Q(completed_at__isnull=False), user_id=user_id
    ).select_related("challenge")
    return list(rows.order_by("-challenge__ends_at", "-pk")[:limit])


def published_items(user_id: int) -> list[Any]:
    return marketplace_selectors.published_by(user_id)


@dataclass(frozen=True)
class FeedEntry:
    at: dt.datetime
    kind: str  # "published" or "completed"
    actor: Any
    subject: Any  # an Item or a Challenge


def feed(user_id: int, size: int = FEED_SIZE) -> list[FeedEntry]:
    """What the people ``user_id`` follows published or completed lately, newest first."""
    followed = list(Follow.objects.filter(follower_id=user_id).values_list("followee_id", flat=True))
    if not followed:
        return []
    entries = [
        FeedEntry(item.published_at, "published", item.author, item)
        for item in marketplace_selectors.published_since(followed, size)
    ]
    completions = (
        Participant.objects.filter(user_id__in=followed, completed_at__isnull=False)
        .select_related("user", "challenge")
        .order_by("-completed_at", "-pk")[:size]
    )
    entries += [FeedEntry(p.completed_at, "completed", p.user, p.challenge) for p in completions]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:size]
