"""App config for content: bookmarks, tasks, notes, files, tags; import/export; change events."""

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from content.caches import LISTS
        from content.events import content_changed
        from content.receivers import on_content_changed
        from content.reminders import register as register_reminders
        from core.redis.families import register

        register(LISTS)
        register_reminders()
        content_changed.connect(on_content_changed, dispatch_uid="content.lists")
