"""App config for search: registers its cache family and connects the index to content's events."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from content.events import content_changed
        from core.redis.families import register
        from search.caches import SEARCH
        from search.receivers import on_content_changed

        register(SEARCH)
        content_changed.connect(on_content_changed, dispatch_uid="search.index")
