"""App config for analytics: registers the dashboard family and follows content's changes."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        from analytics.caches import DASHBOARD
        from analytics.receivers import on_content_changed
        from content.events import content_changed
        from core.redis.families import register

        register(DASHBOARD)
        content_changed.connect(on_content_changed, dispatch_uid="analytics.dashboard")
