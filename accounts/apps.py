"""App config for accounts: registers the profile cache family, connects the signal handlers and
hands the admin's Redis page (core.redis_admin) its session revocation."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import services, signals  # noqa: F401  (signals connects the receivers)
        from accounts.caches import PROFILE
        from core.redis.families import register
        from core.redis_admin import hooks

        register(PROFILE)
        hooks.register_sessions(
            hooks.SessionHooks(count=services.session_count, revoke=services.sign_out_everywhere)
        )
