"""Fixtures for the privacy suite: the handoff suite's databases and stores.

Every test that takes ``handoff`` (or ``storage``) runs on SQLite and on PostgreSQL, exactly as
in the storage and handoff suites, whose fixtures these are.
"""

from __future__ import annotations

from tests.integration.handoff.conftest import handoff  # noqa: F401
from tests.integration.storage.conftest import (  # noqa: F401
    FakeClock,
    clock,
    database_url,
    engine,
    make_conversation,
    make_state,
    postgres_url,
    sqlite_url,
    storage,
)
