"""App config for the platform layer; registers the Redis system checks."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Trackeep platform"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the checks)
        from core.ratelimit import checks as ratelimit_checks  # noqa: F401
