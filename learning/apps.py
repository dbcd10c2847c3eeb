"""App config for learning: registers the catalogue's cache families and their invalidation."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self) -> None:
        from core.redis.families import register
        from learning.caches import FEATURED_PATHS, POPULAR_PATHS
        from learning.events import path_changed
        from learning.receivers import on_path_changed

        register(POPULAR_PATHS)
        register(FEATURED_PATHS)
        path_changed.connect(on_path_changed, dispatch_uid="learning.catalogue")
