"""App config for search: registers its cache family and connects the index to content's events."""

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from content.events import content_changed
        from core.redis.families import register
        from reader.events import reader_copy_saved
        from search.caches import SEARCH
        from search.receivers import on_content_changed, on_reader_copy_saved

        register(SEARCH)
        content_changed.connect(on_content_changed, dispatch_uid="search.index")
        reader_copy_saved.connect(on_reader_copy_saved, dispatch_uid="search.reader_copies")
