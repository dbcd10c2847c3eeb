"""App config for reader: follows content's bookmark saves and queues a reader copy for each."""

from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Reader copies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content.events import content_changed
        from reader.receivers import on_content_changed

        content_changed.connect(on_content_changed, dispatch_uid="reader.copies")
