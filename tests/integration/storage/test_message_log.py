"""The message-id log for /hide: ids per chat, only while Telegram still lets them be deleted."""

from __future__ import annotations

from datetime import timedelta

from bot.storage import Storage
from bot.storage.message_log import DELETABLE_FOR

CHAT, OTHER = 2**40 + 3, 7  # chat and message ids are past 32 bits too
BIG = 2**35


async def test_ids_are_recorded_per_chat_and_handed_out_in_order(storage: Storage, clock) -> None:
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [5, BIG, 3], clock())
        await session.messages.record(OTHER, [4], clock())
        await session.messages.record(CHAT, [], clock())  # nothing to note: no statement
    async with storage.transaction() as session:
        assert await session.messages.deletable(CHAT, clock()) == [3, 5, BIG]
        assert await session.messages.deletable(OTHER, clock()) == [4]
        assert await session.messages.deletable(99, clock()) == []


async def test_a_repeated_id_keeps_its_first_time(storage: Storage, clock) -> None:
    first = clock()
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [1, 1], first)
    clock.advance(hours=47)
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [1, 2], clock())  # redelivered, or sent again
    clock.advance(hours=2)  # 49 hours after the first note, 2 after the second
    async with storage.transaction() as session:
        assert await session.messages.deletable(CHAT, clock()) == [2]


async def test_ids_older_than_48_hours_are_not_handed_out(storage: Storage, clock) -> None:
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [1], clock())
    clock.advance(hours=1)
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [2], clock())
    async with storage.transaction() as session:
        now = clock()
        assert await session.messages.deletable(CHAT, now + DELETABLE_FOR - timedelta(hours=1)) == [
            2
        ]
        assert await session.messages.deletable(CHAT, now + DELETABLE_FOR) == []


async def test_forget_drops_a_chat_or_some_of_its_ids(storage: Storage, clock) -> None:
    async with storage.transaction() as session:
        await session.messages.record(CHAT, [1, 2, 3], clock())
        await session.messages.record(OTHER, [1, 2], clock())
    async with storage.transaction() as session:
        assert await session.messages.forget(CHAT, [1, 3, 99]) == 2
        assert await session.messages.forget(CHAT, []) == 0
        assert await session.messages.deletable(CHAT, clock()) == [2]
        assert await session.messages.forget(CHAT) == 1
        assert await session.messages.deletable(CHAT, clock()) == []
        assert await session.messages.deletable(OTHER, clock()) == [1, 2]


async def test_a_rolled_back_transaction_notes_nothing(storage: Storage, clock) -> None:
    class Failed(Exception):
        pass

    try:
        async with storage.transaction() as session:
            await session.messages.record(CHAT, [1], clock())
            raise Failed
    except Failed:
        pass
    async with storage.transaction() as session:
        assert await session.messages.deletable(CHAT, clock()) == []


async def test_deleting_a_conversation(storage: Storage, make_conversation) -> None:
    async with storage.transaction() as session:
        await session.save(make_conversation(CHAT))
        await session.save(make_conversation(OTHER))
    async with storage.transaction() as session:
        assert await session.delete_conversation(CHAT)
        assert not await session.delete_conversation(CHAT)
    async with storage.transaction() as session:
        assert await session.conversation(CHAT) is None
        assert await session.conversation(OTHER) is not None
