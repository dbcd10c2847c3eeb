"""Fixtures of the system-event tests: the migrated template database the app clusters start from."""

from tests.messaging.conftest import migrated_database

__all__ = ["migrated_database"]
