"""App config for messaging; connects the user and session signal receivers."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self) -> None:
        from messaging import signals  # noqa: F401  (connects the receivers)
