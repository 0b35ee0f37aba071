"""Conversations: round trip, upsert, keyboard message, blocked chats, datetimes, corrupt state."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from bot.storage import Storage
from bot.storage.tables import ConversationRow
from tests.keys import SEALER

BIG_CHAT = 2**40 + 12345
SUPERGROUP = -1_002_233_445_566  # supergroup ids are negative and past 2**40 as well


async def _count(storage: Storage) -> int:
    async with storage.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(ConversationRow))).one()[
            0
        ]


async def test_a_chat_without_a_conversation_has_none(storage: Storage) -> None:
    async with storage.transaction() as session:
        assert await session.conversation(BIG_CHAT) is None


@pytest.mark.parametrize("chat_id", [BIG_CHAT, SUPERGROUP, 1])
async def test_round_trip_keeps_every_field(storage, make_conversation, chat_id) -> None:
    saved = make_conversation(chat_id, keyboard_message_id=2**33 + 7)
    async with storage.transaction() as session:
        await session.save(saved)
    async with storage.transaction() as session:
        loaded = await session.conversation(chat_id)
    assert loaded == saved
    assert loaded.state.variables["note"] == 'Кавычки "так", обратный слэш \\ и\nперевод строки 🙂'


async def test_state_is_stored_sealed_as_the_engines_json(storage, make_conversation) -> None:
    saved = make_conversation(BIG_CHAT)
    async with storage.transaction() as session:
        await session.save(saved)
    async with storage.engine.connect() as connection:
        row = (
            await connection.execute(
                text("SELECT state, flow, flow_version, language FROM conversations")
            )
        ).one()
    assert "Казахстан" not in row.state  # sealed: the answers are not in the clear
    opened = SEALER.open(row.state)
    assert opened == saved.state.to_json()
    assert "Казахстан" in opened  # readable UTF-8, not \u escapes
    assert (row.flow, row.flow_version, row.language) == ("situation", 7, "ru")


async def test_save_replaces_the_chats_conversation(
    storage, make_conversation, make_state, clock
) -> None:
    first = make_conversation(BIG_CHAT)
    async with storage.transaction() as session:
        await session.save(first)
    clock.advance(minutes=5)
    second = make_conversation(
        BIG_CHAT,
        state=make_state(flow="elsewhere", node="bye", language="de", version=8, status="ended"),
        status="ended",
        keyboard_message_id=42,
        created_at=first.created_at,
    )
    async with storage.transaction() as session:
        await session.save(second)
        # Visible inside the same transaction, before commit.
        assert await session.conversation(BIG_CHAT) == second
    async with storage.transaction() as session:
        assert await session.conversation(BIG_CHAT) == second
    assert await _count(storage) == 1
    async with storage.engine.connect() as connection:
        row = (
            await connection.execute(text("SELECT flow, flow_version, language FROM conversations"))
        ).one()
    assert tuple(row) == ("elsewhere", 8, "de")


async def test_conversations_of_different_chats_are_separate(storage, make_conversation) -> None:
    async with storage.transaction() as session:
        await session.save(make_conversation(BIG_CHAT, status="ended"))
        await session.save(make_conversation(BIG_CHAT + 1))
    async with storage.transaction() as session:
        assert (await session.conversation(BIG_CHAT)).status == "ended"
        assert (await session.conversation(BIG_CHAT + 1)).status == "active"


async def test_an_exception_rolls_the_transaction_back(storage, make_conversation) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with storage.transaction() as session:
            assert await session.claim_update(2**35)
            await session.save(make_conversation(BIG_CHAT))
            raise Boom
    async with storage.transaction() as session:
        assert await session.conversation(BIG_CHAT) is None
        assert await session.claim_update(2**35)  # the claim was rolled back too
    assert await _count(storage) == 0


async def test_keyboard_message_is_set_and_cleared(storage, make_conversation, clock) -> None:
    async with storage.transaction() as session:
        await session.save(make_conversation(BIG_CHAT))
    clock.advance(seconds=30)
    await storage.set_keyboard_message(BIG_CHAT, 2**35 + 1)
    async with storage.transaction() as session:
        loaded = await session.conversation(BIG_CHAT)
    assert loaded.keyboard_message_id == 2**35 + 1
    assert loaded.updated_at == clock()
    await storage.set_keyboard_message(BIG_CHAT, None)
    async with storage.transaction() as session:
        assert (await session.conversation(BIG_CHAT)).keyboard_message_id is None


async def test_mark_blocked_keeps_the_state(storage, make_conversation, clock) -> None:
    saved = make_conversation(BIG_CHAT, keyboard_message_id=5)
    async with storage.transaction() as session:
        await session.save(saved)
    clock.advance(hours=1)
    await storage.mark_blocked(BIG_CHAT)
    async with storage.transaction() as session:
        loaded = await session.conversation(BIG_CHAT)
    assert loaded.status == "blocked"
    assert loaded.state == saved.state
    assert loaded.keyboard_message_id == 5
    assert loaded.created_at == saved.created_at
    assert loaded.updated_at == clock()


async def test_updates_of_a_chat_without_conversation_change_nothing(storage) -> None:
    await storage.mark_blocked(BIG_CHAT)
    await storage.set_keyboard_message(BIG_CHAT, 3)
    assert await _count(storage) == 0


async def test_datetimes_come_back_aware_in_utc(storage, make_conversation) -> None:
    moscow = timezone(timedelta(hours=3))
    created = datetime(2026, 3, 1, 15, 0, 0, 123456, tzinfo=moscow)
    updated = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    async with storage.transaction() as session:
        await session.save(make_conversation(BIG_CHAT, created_at=created, updated_at=updated))
    async with storage.transaction() as session:
        loaded = await session.conversation(BIG_CHAT)
    assert loaded.created_at == created
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at.hour == 12
    assert loaded.updated_at == updated
    assert loaded.updated_at.tzinfo is not None


async def test_naive_datetimes_are_refused(storage, make_conversation) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with storage.transaction() as session:
            await session.save(make_conversation(BIG_CHAT, created_at=datetime(2026, 3, 1)))


async def test_an_unknown_status_is_refused(storage, make_conversation) -> None:
    async with storage.transaction() as session:
        with pytest.raises(ValueError, match="status"):
            await session.save(make_conversation(BIG_CHAT, status="paused"))


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        '{"format": 99, "root": "main"}',
        '{"format": 1, "root": "main", "flow": "secret-flow"}',
        "[]",
    ],
    ids=["not-json", "unknown-format", "missing-fields", "not-an-object"],
)
async def test_an_unreadable_state_starts_afresh_and_logs_no_content(
    storage, make_conversation, caplog, stored
) -> None:
    async with storage.transaction() as session:
        await session.save(make_conversation(BIG_CHAT))
    async with storage.engine.begin() as connection:
        await connection.execute(text("UPDATE conversations SET state = :s"), {"s": stored})
    with caplog.at_level(logging.DEBUG, logger="bot.storage"):
        async with storage.transaction() as session:
            assert await session.conversation(BIG_CHAT) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert str(BIG_CHAT) not in logged
    assert "secret-flow" not in logged
    assert stored not in logged
    assert "format" not in logged.replace("unreadable", "")
    # The adapter then starts a new conversation; saving it replaces the unreadable one.
    fresh = make_conversation(BIG_CHAT)
    async with storage.transaction() as session:
        await session.save(fresh)
    async with storage.transaction() as session:
        assert await session.conversation(BIG_CHAT) == fresh
