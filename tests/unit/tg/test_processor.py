"""Per-chat ordering: one chat in order, chats side by side."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.tg.processor import PerChatUpdateProcessor, chat_key


def update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "Test", False)
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]


async def test_one_chat_runs_in_order_and_chats_run_together():
    processor = PerChatUpdateProcessor(16)
    log: list[tuple[str, int, int]] = []
    release = asyncio.Event()

    async def work(chat: int, number: int, delay: float) -> None:
        log.append(("begin", chat, number))
        if chat == 1 and number == 0:
            await release.wait()  # the first update of chat 1 is slow
        await asyncio.sleep(delay)
        log.append(("end", chat, number))

    async with processor:
        tasks = [
            asyncio.create_task(processor.process_update(update(1, 1), work(1, 0, 0))),
            asyncio.create_task(processor.process_update(update(2, 1), work(1, 1, 0))),
            asyncio.create_task(processor.process_update(update(3, 2), work(2, 0, 0))),
        ]
        await asyncio.sleep(0.05)
        # chat 2 finished while chat 1 waits; chat 1's second update has not begun
        assert ("end", 2, 0) in log
        assert ("begin", 1, 1) not in log
        release.set()
        await asyncio.gather(*tasks)
    chat1 = [entry for entry in log if entry[1] == 1]
    assert chat1 == [("begin", 1, 0), ("end", 1, 0), ("begin", 1, 1), ("end", 1, 1)]
    assert processor._locks == {}  # idle chats are forgotten


async def test_many_updates_of_one_chat_keep_their_order():
    processor = PerChatUpdateProcessor(64)
    seen: list[int] = []

    async def work(number: int) -> None:
        await asyncio.sleep(0.001 * (number % 3))
        seen.append(number)

    async with processor:
        await asyncio.gather(*(processor.process_update(update(n, 7), work(n)) for n in range(50)))
    assert seen == list(range(50))


def test_chat_key():
    assert chat_key(update(1, 42)) == 42
    assert chat_key(object()) is None
