"""Fixtures for the console suite: the storage suite's databases, with a console store on top.

Every test that takes ``console`` runs on SQLite and on PostgreSQL (skipped without
``TEST_DATABASE_URL`` except in CI), as in the storage and handoff suites.
"""

from __future__ import annotations

import pytest

from bot.console.signing import ConsoleSigner
from bot.console.store import ConsoleStore
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

#: The tests' signing key; the bot's comes from HAVEN_SECRET_KEY (bot.privacy.Keys.signing).
SIGNING_KEY = bytes(range(32))
OPERATOR = 2**33 + 11
OTHER_OPERATOR = 2**33 + 12


@pytest.fixture
def signer() -> ConsoleSigner:
    return ConsoleSigner(SIGNING_KEY)


@pytest.fixture
async def console(storage: Storage, clock: FakeClock, signer: ConsoleSigner) -> ConsoleStore:  # noqa: F811 (fixtures)
    """A console store on a migrated database with two operators, on the fake clock."""
    handoff = HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock)
    async with handoff.transaction() as tx:
        await tx.operators.add(OPERATOR, alias="Anna", languages=["ru", "en"])
        await tx.operators.add(OTHER_OPERATOR, alias="Boris", languages=["de"], role="admin")
    return ConsoleStore(handoff, signer, clock=clock)
