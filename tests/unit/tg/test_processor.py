"""Per-chat ordering: one chat in order, chats side by side, one chat never stalls the others.

Every wait here is on an event, bounded by a timeout that only a broken processor reaches.
"""

from __future__ import annotations

import asyncio

import pytest
from telegram import Chat, Message, Update, User

from bot.tg.processor import PTB_CONCURRENT_UPDATES, PerChatUpdateProcessor, chat_key

TIMEOUT = 2.0


def update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Test", False)
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]


async def test_one_chat_runs_in_order_and_chats_run_together():
    processor = PerChatUpdateProcessor(16)
    log: list[tuple[str, int, int]] = []
    release = asyncio.Event()
    chat2_done = asyncio.Event()

    async def work(chat: int, number: int) -> None:
        log.append(("begin", chat, number))
        if chat == 1 and number == 0:
            await release.wait()  # the first update of chat 1 is slow
        log.append(("end", chat, number))
        if chat == 2:
            chat2_done.set()

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(update(1, 1), work(1, 0))),
            asyncio.create_task(processor.process_update(update(2, 1), work(1, 1))),
            asyncio.create_task(processor.process_update(update(3, 2), work(2, 0))),
        ]
        await asyncio.wait_for(chat2_done.wait(), TIMEOUT)
        # chat 2 finished while chat 1 waits; chat 1's second update has not begun
        assert ("begin", 1, 0) in log
        assert ("begin", 1, 1) not in log
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    chat1 = [entry for entry in log if entry[1] == 1]
    assert chat1 == [("begin", 1, 0), ("end", 1, 0), ("begin", 1, 1), ("end", 1, 1)]
    assert processor._locks == {}  # idle chats are forgotten


async def test_many_updates_of_one_chat_keep_their_order():
    processor = PerChatUpdateProcessor(64)
    seen: list[int] = []

    async def work(number: int) -> None:
        for _ in range(number % 3):  # uneven work: later updates could overtake earlier ones
            await asyncio.sleep(0)
        seen.append(number)

    async with processor:
        await asyncio.gather(*(processor.process_update(update(n, 7), work(n)) for n in range(50)))
    assert seen == list(range(50))


async def test_a_flooding_chat_does_not_stall_the_other_chats():
    # Two slots; one chat sends many updates while its first is stuck (e.g. waiting out
    # Telegram's flood control). Its waiting updates must not take the slots another chat needs.
    processor = PerChatUpdateProcessor(2)
    release = asyncio.Event()
    other_done = asyncio.Event()
    running = 0
    most = 0

    async def slow(number: int) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if number == 0:
            await release.wait()
        running -= 1

    async def other() -> None:
        other_done.set()

    async with processor:
        flood = [
            asyncio.create_task(processor.process_update(update(n, 1), slow(n))) for n in range(20)
        ]
        single = asyncio.create_task(processor.process_update(update(100, 2), other()))
        await asyncio.wait_for(other_done.wait(), TIMEOUT)
        assert not release.is_set()  # chat 1's first update still holds its one slot
        release.set()
        await asyncio.wait_for(asyncio.gather(*flood, single), TIMEOUT)
    assert most == 1  # one chat, one update at a time


async def test_the_limit_holds_across_chats():
    processor = PerChatUpdateProcessor(3)
    release = asyncio.Event()
    entered = asyncio.Semaphore(0)
    running = 0
    most = 0

    async def work() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        entered.release()
        await release.wait()
        running -= 1

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(update(n, n), work()))
            for n in range(1, 11)
        ]
        for _ in range(3):
            await asyncio.wait_for(entered.acquire(), TIMEOUT)
        for _ in range(5):  # give the others every chance to start, if they could
            await asyncio.sleep(0)
        assert running == 3
        release.set()
        await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    assert most == 3
    # PTB's own limit never binds: it would be taken before the chat's lock.
    assert processor.max_concurrent_updates == PTB_CONCURRENT_UPDATES
    assert processor.limit == 3


def test_the_limit_must_be_positive():
    with pytest.raises(ValueError):
        PerChatUpdateProcessor(0)


def test_chat_key():
    assert chat_key(update(1, 42)) == 42
    assert chat_key(object()) is None
