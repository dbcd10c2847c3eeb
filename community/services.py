"""Community writes: challenges (create, join, leave, progress, finish) and follows.

Progress comes from activity events (``community.targets``): each event's credits are stored once
per participant, the participant's row is locked while its progress and score are recomputed, and
the new score is written to the challenge's Redis leaderboard under that lock, so concurrent
events can neither lose progress nor leave an older score in Redis. After the commit, every open
challenge page hears ``leaderboard.updated`` over the channel layer (``keys.challenge_group``) and
reloads its board. A Redis outage never fails a write; the board is then read from the database
and ``manage.py rebuild_rankings`` restores the set.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from community import leaderboard, scoring, targets
from community.caches import CHALLENGES
from community.models import Challenge, Credit, Follow, Participant
from core.redis import keys
from core.redis.errors import RedisUnavailable
from messaging import broadcast
from messaging import services as messaging_services
from messaging.models import Notification

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
LEADERBOARD_UPDATED = "leaderboard.updated"
KEY_MAX = Credit._meta.get_field("key").max_length


class CommunityError(Exception):
    """Bad input or a state that forbids the action; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _redis(action: str, write: Callable[[], None]) -> None:
    try:
        write()
    except RedisUnavailable as error:
        logger.warning("leaderboard not updated (%s): %s", action, error)


def _announce(challenge_id: int, data: dict[str, Any]) -> None:
    """After commit: tell every open page of the challenge that its board changed."""
    event = {
        "type": LEADERBOARD_UPDATED,
        "challenge_id": challenge_id,
        "data": data,
        "timestamp": timezone.now().isoformat(),
    }
    broadcast.publish(
        [broadcast.Outgoing(keys.challenge_group(challenge_id), broadcast.event_message(event))]
    )


# --- challenges -----------------------------------------------------------------------------------


def create_challenge(
    creator: Any,
    *,
    title: str,
    target: str,
    goal: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    clock: Clock | None = None,
) -> Challenge:
    """A new challenge; its creator joins it."""
    now = (clock or timezone.now)()
    try:
        kind = targets.get(target)
    except targets.UnknownTarget:
        raise CommunityError("Choose one of the targets offered.") from None
    if not 1 <= goal <= kind.max_goal:
        raise CommunityError(f"The goal must be between 1 and {kind.max_goal}.")
    if goal * kind.scale > scoring.MAX_PROGRESS:
        raise CommunityError("That goal is too large.")
    if ends_at <= starts_at:
        raise CommunityError("The challenge must end after it starts.")
    if ends_at <= now:
        raise CommunityError("The end date has already passed.")
    if ends_at - starts_at > dt.timedelta(days=scoring.MAX_DAYS):
        raise CommunityError(f"A challenge can last at most {scoring.MAX_DAYS} days.")
    title = " ".join(title.split())
    if not title:
        raise CommunityError("Give the challenge a title.")
    with transaction.atomic():
        challenge = Challenge.objects.create(
            creator=creator,
            title=title,
            description=description.strip(),
            target=kind.key,
            goal=goal,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=now,
        )
        join(creator, challenge, clock=clock)
    return challenge


def _window(challenge: Challenge) -> targets.Window:
    return targets.Window(challenge.starts_at, challenge.ends_at)


def join(user: Any, challenge: Challenge, *, clock: Clock | None = None) -> Participant:
    """Join an open challenge (idempotent). What the user already did inside the window counts."""
    now = (clock or timezone.now)()
    if not challenge.is_open(now):
        raise CommunityError("This challenge is over.")
    with transaction.atomic():
        participant, created = Participant.objects.get_or_create(
            challenge=challenge,
            user_id=user.pk,
            defaults={
                "joined_at": now,
                "reached_at": now,
                "updated_at": now,
                "score": scoring.score(0, now, challenge.starts_at),
            },
        )
        if not created:
            return participant
        try:
            kind = targets.get(challenge.target)
        except targets.UnknownTarget:
            kind = None
        started = challenge.starts_at <= now
        credits = kind.backfill(user.pk, _window(challenge)) if kind and kind.backfill and started else {}
        moved = _credit(participant, credits, now) if credits else None
        if moved is None:
            _redis("join", lambda: leaderboard.write(challenge.pk, user.pk, participant.score))
            _announce(challenge.pk, {"user_id": user.pk, "progress": 0})
        else:
            participant = moved
        transaction.on_commit(CHALLENGES.invalidate)
    return participant


def leave(user: Any, challenge: Challenge) -> bool:
    """Leave a challenge that is not over; progress is discarded."""
    if challenge.finished_at is not None:
        raise CommunityError("This challenge is over; its results are kept.")
    with transaction.atomic():
        deleted, _ = Participant.objects.filter(challenge=challenge, user_id=user.pk).delete()
        if deleted:  # the board forgets them in forget_participants (post_delete)
            _announce(challenge.pk, {"user_id": user.pk, "left": True})
            transaction.on_commit(CHALLENGES.invalidate)
    return bool(deleted)


def forget_participants(pairs: list[tuple[int, int]]) -> None:
    """After commit: deleted participants (left, or their account deleted) leave the boards."""

    transaction.on_commit(lambda: _redis("leave", lambda: leaderboard.remove(pairs)))


def _goal_amount(challenge: Challenge) -> int:
    try:
        scale = targets.get(challenge.target).scale
    except targets.UnknownTarget:
        scale = 1
    return challenge.goal * scale


def _store_credits(locked: Participant, credits: targets.Credits, now: dt.datetime) -> None:
    """New keys are stored; a known key's amount only grows (a time entry lengthened by an edit
    counts its extra minutes), never shrinks. The caller holds the participant's row lock."""
    wanted = {key[:KEY_MAX]: amount for key, amount in credits.items()}
    known = dict(Credit.objects.filter(participant=locked, key__in=list(wanted)).values_list("key", "amount"))
    Credit.objects.bulk_create(
        [
            Credit(participant=locked, key=key, amount=amount, created_at=now)
            for key, amount in wanted.items()
            if key not in known
        ],
        ignore_conflicts=True,
    )
    for key, amount in wanted.items():
        if key in known and amount > known[key]:
            Credit.objects.filter(participant=locked, key=key).update(amount=amount)


def _credit(participant: Participant, credits: targets.Credits, now: dt.datetime) -> Participant | None:
    """Store new credits and move the participant's progress and score; the updated row, or None
    when nothing new counted. Runs inside the caller's transaction (or its own)."""
    with transaction.atomic():
        locked = Participant.objects.select_related("challenge").select_for_update().get(pk=participant.pk)
        challenge = locked.challenge
        _store_credits(locked, credits, now)
        total = Credit.objects.filter(participant=locked).aggregate(total=Sum("amount"))["total"] or 0
        goal = _goal_amount(challenge)
        progress = min(total, goal)
        if progress <= locked.progress:
            return None
        locked.progress = progress
        locked.reached_at = now
        if progress >= goal and locked.completed_at is None:
            locked.completed_at = now
        locked.score = scoring.score(progress, now, challenge.starts_at)
        locked.updated_at = now
        locked.save(update_fields=["progress", "reached_at", "completed_at", "score", "updated_at"])
        _redis("progress", lambda: leaderboard.write(challenge.pk, locked.user_id, locked.score))
        _announce(
            challenge.pk, {"user_id": locked.user_id, "progress": progress, "completed": progress >= goal}
        )
    return locked


def record_activity(
    user_id: int, signal: Signal, event: dict[str, Any], *, clock: Clock | None = None
) -> int:
    """Credit ``event`` (sent through ``signal`` for ``user_id``) to every running challenge the
    user takes part in whose target that signal feeds. Returns how many participants moved. Costs
    one query when the user is in no running challenge of such a target."""
    fed = {kind.key: kind for kind in targets.fed_by(signal)}
    if not fed:
        return 0
    now = (clock or timezone.now)()
    entries = Participant.objects.filter(
        user_id=user_id,
        challenge__target__in=list(fed),
        challenge__starts_at__lte=now,
        challenge__ends_at__gt=now,
        challenge__finished_at__isnull=True,
    ).select_related("challenge")
    moved = 0
    for participant in entries:
        kind = fed[participant.challenge.target]
        credits = kind.credits(user_id, _window(participant.challenge), event)
        if credits and _credit(participant, credits, now) is not None:
            moved += 1
    return moved


def finish_due(*, clock: Clock | None = None) -> int:
    """Freeze the boards of challenges that have ended: final ranks into the database (equal scores
    share a rank), the Redis set dropped. Returns how many challenges were finished."""
    now = (clock or timezone.now)()
    finished = 0
    for challenge_id in Challenge.objects.filter(finished_at__isnull=True, ends_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            challenge = Challenge.objects.select_for_update().get(pk=challenge_id)
            if challenge.finished_at is not None:
                continue
            rows = list(Participant.objects.filter(challenge=challenge).order_by("-score", "user_id"))
            previous: int | None = None
            for position, participant in enumerate(rows):
                if participant.score != previous:
                    rank = position + 1
                participant.final_rank = rank
                previous = participant.score
            Participant.objects.bulk_update(rows, ["final_rank"], batch_size=1000)
            challenge.finished_at = now
            challenge.save(update_fields=["finished_at"])
            transaction.on_commit(lambda pk=challenge.pk: _redis("finish", lambda: leaderboard.drop([pk])))
            transaction.on_commit(CHALLENGES.invalidate)
            _announce(challenge.pk, {"finished": True})
            finished += 1
    return finished


def rebuild_leaderboards() -> int:
    """Finish what has ended, then rebuild every open challenge's sorted set from the database."""
    finish_due()
    started = timezone.now()
    count = 0
    for challenge in Challenge.objects.filter(finished_at__isnull=True):
        leaderboard.rebuild(challenge, started)
        count += 1
    return count


# --- follows --------------------------------------------------------------------------------------


def follow(follower: Any, followee: Any) -> bool:
    """Follow ``followee`` (idempotent); a new follow notifies them live. True if it is new."""
    if follower.pk == followee.pk:
        raise CommunityError("You cannot follow yourself.")
    if not followee.is_active:
        raise CommunityError("That account is inactive.")
    with transaction.atomic():
        _, created = Follow.objects.get_or_create(follower_id=follower.pk, followee_id=followee.pk)
        if created:
            messaging_services.notify(
                followee.pk,
                Notification.Kind.FOLLOW,
                f"{follower.username} started following you.",
                url=reverse("community:profile", args=[follower.username]),
                actor=follower,
            )
    return created


def unfollow(follower: Any, followee: Any) -> bool:
    deleted, _ = Follow.objects.filter(follower_id=follower.pk, followee_id=followee.pk).delete()
    return bool(deleted)
