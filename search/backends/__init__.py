"""The search backend for a database connection, chosen by its vendor (as Wagtail does).

PostgreSQL gets full-text search; SQLite gets FTS5 when migration 0001 could create the FTS5 table
(the SQLite build has the module), else LIKE, as does any other vendor. Backends are stateless, so
one instance per database is kept; imports are lazy so no vendor's modules load for another. The
choice is a process-memory cache registered with core.system_events (``search.backends``): after a
migration that adds or drops the FTS5 table, ``manage.py system_events --invalidate search.backends``
makes every process choose again without a restart.
"""

from __future__ import annotations

import threading

from django.db import connections

from search.backends.base import SearchBackend
from search.models import FTS_TABLE

_chosen: dict[tuple[str, str, str], SearchBackend] = {}
_lock = threading.Lock()


def _choose(using: str) -> SearchBackend:
    connection = connections[using]
    if connection.vendor == "postgresql":
        from search.backends.postgres import PostgresSearchBackend

        return PostgresSearchBackend()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
            has_fts = cursor.fetchone() is not None
        if has_fts:
            from search.backends.sqlite import Fts5SearchBackend

            return Fts5SearchBackend()
    from search.backends.fallback import LikeSearchBackend

    return LikeSearchBackend()


def get_backend(using: str = "default") -> SearchBackend:
    """The backend for database ``using`` (decided on first use, per database name)."""
    connection = connections[using]
    key = (using, connection.vendor, str(connection.settings_dict["NAME"]))
    backend = _chosen.get(key)
    if backend is None:
        with _lock:
            backend = _chosen.setdefault(key, _choose(using))
    return backend


def forget() -> None:
    """Choose again on next use (a system event: the schema may have changed)."""
    with _lock:
        _chosen.clear()
