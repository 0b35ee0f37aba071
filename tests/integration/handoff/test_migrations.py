"""Migration 0002: from 0001 up to the models exactly, and down again, keeping older data."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import schema
from bot.storage.tables import metadata
from tests.integration.storage.conftest import schema_differences, table_names

STORAGE_TABLES = {"conversations", "handled_updates"}
HANDOFF_TABLES = {"operators", "tickets", "ticket_notes", "bans", "outbox"}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _indexes(connection: Connection) -> dict[str, bool]:
    return {
        index["name"]: bool(index["unique"]) for index in inspect(connection).get_indexes("tickets")
    }


async def _add_conversation(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO conversations (chat_id, state, flow, flow_version, language, status,"
                " created_at, updated_at) VALUES (1, '{}', 'main', 1, 'ru', 'active', :t, :t)"
            ),
            {"t": NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW},
        )


async def _conversations(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT count(*) FROM conversations"))).scalar_one()


def test_0002_is_the_head_and_follows_0001() -> None:
    assert schema.head_revision() == "0002"


def test_the_handoff_tables_are_on_the_storage_metadata() -> None:
    # What the storage suite's comparison with the migrations sees, without importing bot.handoff.
    assert set(metadata.tables) >= STORAGE_TABLES | HANDOFF_TABLES


async def test_upgrade_from_0001_to_the_models_and_back(engine: AsyncEngine) -> None:
    assert await schema.upgrade(engine, "0001") == "0001"
    await _add_conversation(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == STORAGE_TABLES
        # Not vacuous: at 0001 the comparison misses the handoff tables.
        differences = await connection.run_sync(schema_differences)
        assert {diff[0] for diff in differences} == {"add_table", "add_index"}
        assert {diff[1].name for diff in differences if diff[0] == "add_table"} == HANDOFF_TABLES

    assert await schema.upgrade(engine) == "0002"
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == STORAGE_TABLES | HANDOFF_TABLES
        assert await connection.run_sync(schema_differences) == []
        indexes = await connection.run_sync(_indexes)
    assert indexes["uq_tickets_chat_id_not_closed"] is True
    assert await _conversations(engine) == 1

    assert await schema.downgrade(engine, "0001") == "0001"
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == STORAGE_TABLES
    assert await _conversations(engine) == 1  # the older tables keep their rows

    assert await schema.upgrade(engine) == "0002"
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
    assert await schema.downgrade(engine, "base") is None
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == set()


async def test_downgrade_drops_handoff_rows_with_their_tables(engine: AsyncEngine) -> None:
    await schema.upgrade(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO bans (chat_id, banned_by, created_at) VALUES (1, 2, :t)"),
            {"t": NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW},
        )
    assert await schema.downgrade(engine, "0001") == "0001"
    assert await schema.upgrade(engine) == "0002"
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM bans"))).scalar_one() == 0
