"""App config for community: registers its cache family and the challenge targets (which connects
their signals, content's ``content_changed`` among them)."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self) -> None:
        from community import targets
        from community.caches import CHALLENGES
        from community.content_targets import CONTENT_TARGETS
        from core.redis.families import register

        register(CHALLENGES)
        for kind in CONTENT_TARGETS:
            targets.register(kind)
