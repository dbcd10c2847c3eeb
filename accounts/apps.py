"""App config for accounts: registers the profile cache family and connects the signal handlers."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (connects the receivers)
        from accounts.caches import PROFILE
        from core.redis.families import register

        register(PROFILE)
