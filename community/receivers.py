"""Keeps the leaderboards free of deleted participants (a user left, or their account was deleted)."""

from __future__ import annotations

from typing import Any

from community import services
from community.models import Participant


def on_participant_deleted(sender: Any, instance: Participant, **kwargs: Any) -> None:
    services.forget_participants([(instance.challenge_id, instance.user_id)])
