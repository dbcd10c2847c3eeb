"""App config for analytics: registers its cache families, follows every app's write events and
answers the ``analytics.refresh`` system event."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        from analytics import jobs, receivers
        from analytics.caches import DASHBOARD, RECOMMENDATIONS
        from content.events import content_changed
        from core import system_events
        from core.redis.families import register
        from habits.events import habits_changed
        from learning.events import learning_changed
        from timetracking.events import time_changed

        register(DASHBOARD)
        register(RECOMMENDATIONS)
        content_changed.connect(receivers.on_content_changed, dispatch_uid="analytics.content")
        learning_changed.connect(receivers.on_learning_changed, dispatch_uid="analytics.learning")
        habits_changed.connect(receivers.on_habits_changed, dispatch_uid="analytics.habits")
        time_changed.connect(receivers.on_time_changed, dispatch_uid="analytics.time")
        system_events.on(jobs.REFRESH, jobs.on_refresh)
