"""The environment of a production-mode process for the deployment tests, independent of the shell's."""

from __future__ import annotations

import os
import secrets

# Variables the settings read that would change what is under test if inherited from the shell.
_CONTROLLED_PREFIXES = (
    "TRACKEEP_",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_",
    "SECURE_",
    "DATABASE_",
    "REDIS_",
)


def production_env(**overrides: str) -> dict[str, str]:
    """Production mode with a strong key, SQLite, and the test Redis (``REDIS_URL``) for every role."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONTROLLED_PREFIXES)}
    env.update(
        TRACKEEP_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    )
    env.update(overrides)
    return env
