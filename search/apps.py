"""App config for search: connects the index to content's change events."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from content.events import content_changed
        from search.receivers import on_content_changed

        content_changed.connect(on_content_changed, dispatch_uid="search.index")
