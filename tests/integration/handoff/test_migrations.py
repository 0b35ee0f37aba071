"""Migrations 0002 and 0003: from 0001 up to the models exactly, and down again, keeping data.

0002 adds the handoff tables; 0003 the staff group of a ticket's topic.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.handoff import HandoffStore
from bot.storage import Storage, schema
from bot.storage.tables import metadata
from tests.integration.storage.conftest import FakeClock, schema_differences, table_names
from tests.keys import PSEUDONYMS, SEALER

STORAGE_TABLES = {"conversations", "handled_updates"}
HANDOFF_TABLES = {"operators", "tickets", "ticket_notes", "bans", "outbox"}
#: 0004's tables (privacy): /hide's message ids, and the operators' audit log.
PRIVACY_TABLES = {"chat_messages", "audit_log"}
#: 0005's tables (the web console): sign-in links, sessions, and pseudonymous events.
CONSOLE_TABLES = {"console_links", "console_sessions", "events"}
#: 0006's table (the console's case pages): the relayed conversation, sealed.
CASE_PAGE_TABLES = {"relayed_messages"}
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HEAD = "0006"
_ROLES = text("SELECT telegram_user_id, role FROM operators")
STAFF = -1001234567890


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
            {"t": _at(engine)},
        )


async def _conversations(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT count(*) FROM conversations"))).scalar_one()


def _at(engine: AsyncEngine) -> datetime:
    """NOW as the dialect's timestamp column takes it (SQLite's holds naive UTC)."""
    return NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW


def _ticket_columns(connection: Connection) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns("tickets")}


def test_0006_is_the_head() -> None:
    assert schema.head_revision() == HEAD


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
        added = {diff[1].name for diff in differences if diff[0] == "add_table"}
        assert added == HANDOFF_TABLES | PRIVACY_TABLES | CONSOLE_TABLES | CASE_PAGE_TABLES

    assert await schema.upgrade(engine) == HEAD
    async with engine.connect() as connection:
        tables = await connection.run_sync(table_names)
        assert (
            tables
            == STORAGE_TABLES | HANDOFF_TABLES | PRIVACY_TABLES | CONSOLE_TABLES | CASE_PAGE_TABLES
        )
        assert await connection.run_sync(schema_differences) == []
        indexes = await connection.run_sync(_indexes)
    assert indexes["uq_tickets_chat_id_not_closed"] is True
    assert await _conversations(engine) == 1

    assert await schema.downgrade(engine, "0001") == "0001"
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == STORAGE_TABLES
    assert await _conversations(engine) == 1  # the older tables keep their rows

    assert await schema.upgrade(engine) == HEAD
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
    assert await schema.downgrade(engine, "base") is None
    async with engine.connect() as connection:
        assert await connection.run_sync(table_names) == set()


async def test_downgrade_drops_handoff_rows_with_their_tables(engine: AsyncEngine) -> None:
    await schema.upgrade(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO bans (subject, banned_by, created_at) VALUES ('ab', 2, :t)"),
            {"t": _at(engine)},
        )
    assert await schema.downgrade(engine, "0001") == "0001"
    assert await schema.upgrade(engine) == HEAD
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM bans"))).scalar_one() == 0


async def _add_ticket_with_topic(engine: AsyncEngine) -> None:
    """A ticket at 0002 with a topic (thread 7), a note and an outbox message."""
    values = {"t": _at(engine), "no": False}
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO tickets (id, chat_id, topic, language, status, thread_id, summary,"
                " flow, node, username_revealed, user_blocked, created_at, updated_at) VALUES"
                " (1, 42, 'asylum', 'ru', 'open', 7, '[]', 'main', 'ask', :no, :no, :t, :t)"
            ),
            values,
        )
        await connection.execute(
            text(
                "INSERT INTO ticket_notes (ticket_id, operator_id, text, created_at)"
                " VALUES (1, 5, 'note', :t)"
            ),
            values,
        )
        await connection.execute(
            text(
                "INSERT INTO outbox (ticket_id, destination, method, payload, status, attempts,"
                " next_attempt_at, created_at) VALUES"
                " (1, 'staff', 'sendMessage', '{}', 'pending', 0, :t, :t)"
            ),
            values,
        )


async def _rows(engine: AsyncEngine) -> tuple[int, int, int, int]:
    """The ticket's thread id, and how many tickets, notes and outbox messages there are."""
    async with engine.connect() as connection:

        async def count(table: str) -> int:
            return (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()

        thread = (await connection.execute(text("SELECT thread_id FROM tickets"))).scalar_one()
        return thread, await count("tickets"), await count("ticket_notes"), await count("outbox")


async def test_0003_adds_the_topics_group_and_keeps_the_tickets(
    engine: AsyncEngine, database_url: str, clock: FakeClock
) -> None:
    assert await schema.upgrade(engine, "0002") == "0002"
    await _add_ticket_with_topic(engine)
    async with engine.connect() as connection:
        # Not vacuous: at 0002 the comparison misses the new column (and 0004's changes).
        differences = await connection.run_sync(schema_differences)
        added = {diff[3].name for diff in differences if diff[0] == "add_column"}
        assert added == {"thread_chat_id", "erased_at", "subject"}

    assert await schema.upgrade(engine) == HEAD
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
        raw = await connection.execute(text("SELECT thread_chat_id FROM tickets"))
        assert raw.scalar_one() is None  # the group of an older topic is unknown
    assert await _rows(engine) == (7, 1, 1, 1)

    # Such a ticket's topic is no group's: nothing goes to, or comes from, thread 7.
    storage = await Storage.open(database_url, sealer=SEALER, clock=clock)
    try:
        async with HandoffStore(storage, pseudonyms=PSEUDONYMS, clock=clock).transaction() as tx:
            ticket = await tx.tickets.get(1)
            assert ticket is not None
            assert (ticket.thread_id, ticket.thread_chat_id, ticket.topic_in(STAFF)) == (
                7,
                None,
                None,
            )
            assert await tx.tickets.for_thread(7, STAFF) is None
            assert await tx.tickets.set_thread(1, 8, STAFF)
    finally:
        await storage.close()

    assert await schema.downgrade(engine, "0002") == "0002"
    async with engine.connect() as connection:
        assert "thread_chat_id" not in await connection.run_sync(_ticket_columns)
    # Only the column goes: the ticket (with its newest thread), its note and message stay.
    assert await _rows(engine) == (8, 1, 1, 1)

    assert await schema.upgrade(engine) == HEAD
    async with engine.connect() as connection:
        assert await connection.run_sync(schema_differences) == []
        raw = await connection.execute(text("SELECT thread_chat_id FROM tickets"))
        assert raw.scalar_one() is None
    assert await _rows(engine) == (8, 1, 1, 1)


async def test_0006_lets_operators_be_maintainers_and_keeps_the_register(
    engine: AsyncEngine,
) -> None:
    insert = text(
        "INSERT INTO operators (telegram_user_id, alias, languages, role, created_at)"
        " VALUES (:id, :alias, '[\"en\"]', :role, :t)"
    )
    assert await schema.upgrade(engine, "0005") == "0005"
    async with engine.begin() as connection:
        await connection.execute(
            insert, {"id": 1, "alias": "Ada", "role": "admin", "t": _at(engine)}
        )
    with pytest.raises(IntegrityError):  # not vacuous: 0005 refuses the new role
        async with engine.begin() as connection:
            await connection.execute(
                insert, {"id": 2, "alias": "Max", "role": "maintainer", "t": _at(engine)}
            )

    assert await schema.upgrade(engine) == HEAD
    async with engine.begin() as connection:
        await connection.execute(
            insert, {"id": 2, "alias": "Max", "role": "maintainer", "t": _at(engine)}
        )
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(
                insert, {"id": 3, "alias": "Eve", "role": "root", "t": _at(engine)}
            )
    async with engine.connect() as connection:
        rows = (await connection.execute(_ROLES)).all()
    assert sorted(tuple(row) for row in rows) == [(1, "admin"), (2, "maintainer")]

    assert await schema.downgrade(engine, "0005") == "0005"
    async with engine.connect() as connection:
        rows = (await connection.execute(_ROLES)).all()
    assert [tuple(row) for row in rows] == [(1, "admin")]
