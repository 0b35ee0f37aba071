"""Fixtures for the analytics suite: the storage suite's databases (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

from tests.integration.storage.conftest import (  # noqa: F401
    FakeClock,
    clock,
    database_url,
    postgres_url,
    sqlite_url,
    storage,
)
