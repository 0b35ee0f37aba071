"""Migrations: from an empty database to the models exactly, idempotent, reversible."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import Storage, StorageError, schema
from bot.storage.tables import metadata
from tests.integration.storage.conftest import schema_differences, table_names
from tests.keys import SEALER

# Every table on the models' metadata, the storage's own and those other features keep there.
TABLES = set(metadata.tables)
assert {"conversations", "handled_updates"} <= TABLES


async def test_an_empty_database_has_no_revision(engine: AsyncEngine) -> None:
    assert await schema.current_revision(engine) is None


async def test_upgrade_creates_exactly_the_models_schema(engine: AsyncEngine) -> None:
    head = schema.head_revision()
    assert await schema.upgrade(engine) == head
    assert await schema.current_revision(engine) == head
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == TABLES
        assert await connection.run_sync(schema_differences) == []


async def test_upgrade_twice_changes_nothing(engine: AsyncEngine) -> None:
    head = schema.head_revision()
    assert await schema.upgrade(engine) == head
    assert await schema.upgrade(engine) == head
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []


async def test_downgrade_to_base_and_up_again(engine: AsyncEngine) -> None:
    await schema.upgrade(engine)
    assert await schema.downgrade(engine, "base") is None
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == set()
    assert await schema.upgrade(engine) == schema.head_revision()
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []


async def test_the_models_differ_from_an_empty_database(engine: AsyncEngine) -> None:
    # The comparison would find a missing migration: it is not vacuous.
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) != []


async def test_open_without_migrate_refuses_an_old_schema(database_url: str) -> None:
    with pytest.raises(StorageError, match=r"revision none.*haven db upgrade"):
        await Storage.open(database_url, sealer=SEALER)
    storage = await Storage.open(database_url, sealer=SEALER, migrate=True)
    await storage.close()
    reopened = await Storage.open(database_url, sealer=SEALER)  # now current: no migrate needed
    assert await reopened.ping()
    await reopened.close()


async def test_opening_twice_with_migrate_is_harmless(database_url: str) -> None:
    first = await Storage.open(database_url, sealer=SEALER, migrate=True)
    second = await Storage.open(database_url, sealer=SEALER, migrate=True)
    async with first.transaction() as session:
        assert await session.claim_update(1)
    async with second.transaction() as session:
        assert not await session.claim_update(1)
    await first.close()
    await second.close()
