"""App config for messaging; connects the user and session signal receivers, registers its cache family."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self) -> None:
        from core.redis.families import register
        from messaging import signals  # noqa: F401  (connects the receivers)
        from messaging.caches import CONVERSATIONS

        register(CONVERSATIONS)
