"""Fixtures for the handoff suite: the storage suite's databases, with a handoff store on top.

Every test that takes ``handoff`` (or ``database_url``) runs on SQLite and on PostgreSQL, the
latter skipped without ``TEST_DATABASE_URL`` except in CI, where it fails, exactly as in the
storage suite, whose fixtures these are.
"""

from __future__ import annotations

import pytest

from bot.handoff import HandoffStore
from bot.storage import Storage
from tests.integration.storage.conftest import (  # noqa: F401
    FakeClock,
    clock,
    database_url,
    engine,
    postgres_url,
    sqlite_url,
    storage,
)
from tests.keys import PSEUDONYMS


@pytest.fixture
def handoff(storage: Storage, clock: FakeClock) -> HandoffStore:  # noqa: F811 (fixtures)
    """A handoff store on a migrated, empty database, on the fake clock."""
    return HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock)
