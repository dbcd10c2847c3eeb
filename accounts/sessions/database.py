"""Database-only session engine (``REDIS_SESSIONS_ENABLED=false``, the degraded/"before" mode)."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DBStore

from accounts.sessions.base import MetadataSessionMixin


class SessionStore(MetadataSessionMixin, DBStore):
    """Django's database sessions on ``accounts.Session``."""
