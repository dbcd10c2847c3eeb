"""Fixtures of the fault suite: the migrated template database the app clusters start from (one per
test session, shared with the messaging tests)."""

from tests.messaging.conftest import migrated_database

__all__ = ["migrated_database"]
