"""Two transactions on one chat take turns on PostgreSQL, whichever processes they run in.

The per-chat lock of the Telegram adapter holds within one process only; webhook workers may
run in several. Two ``Storage`` objects stand for two processes here: they share no pool and
no in-process lock, only the server's row and advisory locks. (SQLite needs no test of its
own: it runs one transaction at a time, see ``test_connection.py``.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage import Storage, StoredConversation
from tests.keys import SEALER

from .conftest import FakeClock

CHAT = -1_002_233_445_566
WAIT = 5.0  # seconds; every wait below ends as soon as its condition holds


@pytest.fixture
async def two_processes(
    postgres_url: str, clock: FakeClock
) -> AsyncIterator[tuple[Storage, Storage]]:
    first = await Storage.open(postgres_url, sealer=SEALER, migrate=True, clock=clock)
    second = await Storage.open(postgres_url, sealer=SEALER, clock=clock)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def _a_transaction_waits_for_a_lock(engine: AsyncEngine) -> bool:
    """Whether, within WAIT seconds, some session of this database is waiting for a lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    async with engine.connect() as connection:
        while loop.time() < deadline:
            if (await connection.execute(query)).scalar_one() > 0:
                return True
            await connection.rollback()  # a fresh snapshot of pg_stat_activity each time
            await asyncio.sleep(0.01)
    return False


async def _take_turns(
    first: Storage,
    second: Storage,
    change: Callable[[StoredConversation | None], StoredConversation],
) -> StoredConversation | None:
    """Run a transaction on ``first`` that reads the chat, then one on ``second`` that reads
    it too; check that the second waits until the first commits its ``change``.

    Returns:
        What the second transaction read.
    """
    first_has_read, release = asyncio.Event(), asyncio.Event()

    async def run_first() -> None:
        async with first.transaction() as session:
            conversation = await session.conversation(CHAT)
            first_has_read.set()
            await release.wait()
            await session.save(change(conversation))

    async def run_second() -> StoredConversation | None:
        await first_has_read.wait()
        async with second.transaction() as session:
            return await session.conversation(CHAT)

    tasks: list[asyncio.Task[object]] = []
    try:
        earlier = asyncio.create_task(run_first())
        later = asyncio.create_task(run_second())
        tasks = [earlier, later]  # type: ignore[list-item]
        await asyncio.wait_for(first_has_read.wait(), WAIT)
        assert await _a_transaction_waits_for_a_lock(first.engine), "the second did not wait"
        assert not later.done()
        release.set()
        await asyncio.wait_for(earlier, WAIT)
        return await asyncio.wait_for(later, WAIT)
    finally:
        release.set()
        await _settle(tasks)


async def _settle(tasks: list[asyncio.Task[object]]) -> None:
    for task in tasks:
        if not task.done():
            task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_second_transaction_on_a_chat_waits_for_the_first(
    two_processes: tuple[Storage, Storage], make_conversation: Callable[..., StoredConversation]
) -> None:
    first, second = two_processes
    async with first.transaction() as session:
        await session.save(make_conversation(CHAT))

    def change(conversation: StoredConversation | None) -> StoredConversation:
        assert conversation is not None
        conversation.keyboard_message_id = 41
        return conversation

    seen = await _take_turns(first, second, change)
    assert seen is not None
    assert seen.keyboard_message_id == 41  # read after the first committed, not before


async def test_two_first_messages_of_a_new_chat_take_turns(
    two_processes: tuple[Storage, Storage], make_conversation: Callable[..., StoredConversation]
) -> None:
    # No row to lock yet: both would see no conversation, and the later save would overwrite
    # the conversation the earlier one started.
    first, second = two_processes

    def start(conversation: StoredConversation | None) -> StoredConversation:
        assert conversation is None
        return make_conversation(CHAT, keyboard_message_id=7)

    seen = await _take_turns(first, second, start)
    assert seen is not None
    assert seen.keyboard_message_id == 7


async def test_other_chats_do_not_wait(
    two_processes: tuple[Storage, Storage], make_conversation: Callable[..., StoredConversation]
) -> None:
    first, second = two_processes
    async with first.transaction() as session:
        await session.save(make_conversation(CHAT))
    async with first.transaction() as session:
        assert await session.conversation(CHAT) is not None
        # Another chat, existing or new, in another process: answered while CHAT is locked.
        async with second.transaction() as other:
            assert await asyncio.wait_for(other.conversation(CHAT + 1), WAIT) is None
            await other.save(make_conversation(CHAT + 1))
