"""App config for search: registers its cache family and connects the index to content's events."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from content.events import content_changed
        from core import system_events
        from core.redis.families import register
        from reader.events import reader_copy_saved
        from search import backends
        from search.caches import SEARCH
        from search.receivers import on_content_changed, on_reader_copy_saved

        register(SEARCH)
        system_events.register_cache("search.backends", backends.forget)
        content_changed.connect(on_content_changed, dispatch_uid="search.index")
        reader_copy_saved.connect(on_reader_copy_saved, dispatch_uid="search.reader_copies")
