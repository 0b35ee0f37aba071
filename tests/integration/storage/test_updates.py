"""Handled updates: each update_id is claimed once, also under concurrency; old ids are pruned."""

from __future__ import annotations

import asyncio

from bot.storage import Storage

UPDATE = 2**33 + 17  # update ids are past 32 bits too


async def test_the_first_claim_wins_within_a_transaction(storage, make_conversation) -> None:
    async with storage.transaction() as session:
        assert await session.claim_update(UPDATE)
        assert not await session.claim_update(UPDATE)
        # A duplicate must not spoil the transaction (it would on PostgreSQL with a plain INSERT).
        await session.save(make_conversation(5))
    async with storage.transaction() as session:
        assert await session.conversation(5) is not None


async def test_a_claim_is_remembered_across_transactions(storage: Storage) -> None:
    async with storage.transaction() as session:
        assert await session.claim_update(UPDATE)
    async with storage.transaction() as session:
        assert not await session.claim_update(UPDATE)
        assert await session.claim_update(UPDATE + 1)


async def test_concurrent_claims_of_one_update_let_exactly_one_through(storage: Storage) -> None:
    async def claim() -> bool:
        async with storage.transaction() as session:
            claimed = await session.claim_update(UPDATE)
            await asyncio.sleep(0.01)  # hold the transaction open while the others try
            return claimed

    results = await asyncio.gather(*(claim() for _ in range(20)))
    assert results.count(True) == 1


async def test_concurrent_chats_all_get_through(storage, make_conversation) -> None:
    # Many chats at once, each reading then writing: none may fail with "database is locked".
    async def handle(chat_id: int) -> None:
        for step in range(3):
            async with storage.transaction() as session:
                assert await session.claim_update(chat_id * 10 + step)
                current = await session.conversation(chat_id)
                await asyncio.sleep(0)
                conversation = current or make_conversation(chat_id)
                conversation.keyboard_message_id = step
                await session.save(conversation)

    await asyncio.gather(*(handle(chat_id) for chat_id in range(1, 21)))
    async with storage.transaction() as session:
        for chat_id in range(1, 21):
            assert (await session.conversation(chat_id)).keyboard_message_id == 2
