"""App config for community: registers its cache family and the challenge targets (which connects
their signals: content's ``content_changed``, learning's ``learning_changed``, time tracking's
``time_changed``), and takes deleted participants (left, or
their account deleted) off the leaderboards."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from community import targets
        from community.activity_targets import ACTIVITY_TARGETS
        from community.caches import CHALLENGES
        from community.content_targets import CONTENT_TARGETS
        from community.models import Participant
        from community.receivers import on_participant_deleted
        from core.redis.families import register

        register(CHALLENGES)
        for kind in (*CONTENT_TARGETS, *ACTIVITY_TARGETS):
            targets.register(kind)
        post_delete.connect(
            on_participant_deleted, sender=Participant, dispatch_uid="community.participant_deleted"
        )
