"""Fixtures of the fault suite: the database the app clusters run on.

On SQLite every cluster starts from a copy of one migrated template file per test session (shared
with the messaging tests). On PostgreSQL (``DATABASE_URL``) the cluster's processes use the test's own
database, which pytest-django has migrated; the test must be marked
``django_db(transaction=True)``, so what the processes wrote is flushed afterwards (a test that only
requests the fixture would run in a transaction the processes cannot see and roll nothing back).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connections

from tests.jobs.processes import database_url
from tests.messaging.conftest import migrated_database

__all__ = ["cluster_database", "migrated_database"]


@pytest.fixture
def cluster_database(request: pytest.FixtureRequest) -> dict[str, Any]:
    """``AppCluster`` keyword arguments naming the database its processes share."""
    if connections["default"].vendor == "sqlite":
        return {"template": request.getfixturevalue("migrated_database")}
    request.getfixturevalue("transactional_db")
    return {"database_url": database_url()}
