"""Community models: challenges with their participants and credited activity, and follows.

A participant's ``progress`` is the sum of its ``Credit`` rows (one per thing that counted: a task
completed, a bookmark created, ...; a thing counts once however often its event repeats), capped
at the goal. ``score`` is what the Redis leaderboard holds (``community.scoring``), kept here too so
the leaderboard can be rebuilt from the database and ranks read from it when Redis is down. When a
challenge is over its board is frozen: ``final_rank`` is written and the Redis set dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

TITLE_MAX = 120
DESCRIPTION_MAX = 2000


class Challenge(models.Model):
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="created_challenges"
    )
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    target = models.CharField(max_length=40, help_text="A key of community.targets.")
    goal = models.PositiveIntegerField(help_text="In the target's unit (tasks, bookmarks, hours...).")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="Board frozen.")

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="cm_challenge_dates"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["ends_at", "starts_at"], name="cm_challenge_window"),
            models.Index(fields=["finished_at", "ends_at"], name="cm_challenge_finished"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_moment(self) -> dt.datetime:
        """The end of the window's last day (``ends_at`` is the midnight after it), for display."""
        return self.ends_at - dt.timedelta(seconds=1)

    def is_open(self, now: dt.datetime) -> bool:
        """Still accepting progress (and joins)."""
        return self.finished_at is None and self.ends_at > now


class Participant(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_entries"
    )
    joined_at = models.DateTimeField(default=timezone.now, editable=False)
    progress = models.PositiveIntegerField(default=0, help_text="In credit units, capped at the goal.")
    reached_at = models.DateTimeField(default=timezone.now, help_text="When progress last grew.")
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.BigIntegerField(default=0, help_text="The leaderboard score (community.scoring).")
    final_rank = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["challenge", "user"], name="cm_participant_challenge_user"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["challenge", "-score"], name="cm_participant_board"),
            models.Index(fields=["user", "challenge"], name="cm_participant_user"),
            models.Index(fields=["updated_at"], name="cm_participant_updated"),
            models.Index(fields=["user", "-completed_at"], name="cm_participant_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.challenge_id}"


class Credit(models.Model):
    """One thing that counted toward a participant's progress, e.g. ``task:42`` worth 1."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="credits")
    key = models.CharField(max_length=80)
    amount = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["participant", "key"], name="cm_credit_participant_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_set"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_set"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["follower", "followee"], name="cm_follow_pair"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="cm_follow_not_self"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["followee", "-created_at"], name="cm_follow_followee")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"
