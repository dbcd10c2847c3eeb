"""App config for content: bookmarks, tasks, notes, files, tags; import/export; change events."""

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Content"
