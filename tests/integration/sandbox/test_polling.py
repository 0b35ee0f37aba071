"""getUpdates: real long polling, offset confirmation, one poller, webhook conflict."""

from __future__ import annotations

import asyncio

import pytest
import telegram

from bot.sandbox import Sandbox, SandboxUser

WAIT = 5.0  # seconds; the waits below end as soon as their condition holds


async def until_polling(sandbox: Sandbox, poll: asyncio.Task[object]) -> None:
    """Wait until ``poll`` (the only getUpdates request so far) is waiting in the sandbox.

    The sandbox records a call and goes on, without yielding to the event loop, to the long
    poll's wait; so once the call is recorded and the request has not returned, it is waiting.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not sandbox.calls_of("getUpdates"):
        assert not poll.done(), "getUpdates returned before it was recorded"
        assert loop.time() < deadline, f"no getUpdates request reached the sandbox in {WAIT} s"
        await asyncio.sleep(0.005)
    assert not poll.done()  # it is waiting, not returning empty at once


async def test_long_poll_returns_an_update_sent_after_it_began(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await until_polling(sandbox, poll)
    await user.send_text("hello")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message.text == "hello"
    assert loop.time() - started < 2


async def test_an_empty_long_poll_waits_its_timeout(bot: telegram.Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < loop.time() - started < 2


async def test_offset_confirms_and_limit_bounds(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    for text in ("a", "b", "c"):
        await user.send_text(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first] == ["a", "b"]
    again = await bot.get_updates()  # nothing confirmed yet: everything again
    assert [u.message.text for u in again] == ["a", "b", "c"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest] == ["c"]
    assert [u["update_id"] for u in sandbox.pending_updates] == [rest[0].update_id]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert sandbox.pending_updates == []


async def test_a_newer_poll_terminates_a_waiting_one(
    bot: telegram.Bot, sandbox: Sandbox, url: str
) -> None:
    async with telegram.Bot(bot.token, base_url=f"{url}/bot") as other:
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await until_polling(sandbox, waiting)
        newer = asyncio.create_task(other.get_updates(timeout=0))
        with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates"):
            await asyncio.wait_for(waiting, 2)
        assert await newer == ()


async def test_get_updates_conflicts_with_a_webhook(bot: telegram.Bot, sandbox: Sandbox) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await until_polling(sandbox, waiting)
    await bot.set_webhook("http://127.0.0.1:9/hook")  # nothing listens; delivery just fails
    with pytest.raises(telegram.error.Conflict, match="webhook is active"):
        await asyncio.wait_for(waiting, 2)
    with pytest.raises(telegram.error.Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_allowed_updates_filter_new_updates(bot: telegram.Bot, user: SandboxUser) -> None:
    sent = await bot.send_message(user.chat_id, "Q")
    await bot.get_updates(allowed_updates=["callback_query"])
    await user.send_text("ignored")
    await user.press(sent.message_id, "a")
    [update] = await bot.get_updates(allowed_updates=[])
    assert update.callback_query is not None
    await user.send_text("seen again")
    [_, latest] = await bot.get_updates()
    assert latest.message.text == "seen again"


async def test_a_redelivered_update_comes_back_with_its_id(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    update_id = await user.send_text("once")
    [update] = await bot.get_updates()
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    await sandbox.redeliver(update_id)
    [again] = await bot.get_updates(offset=update.update_id + 1)
    assert (again.update_id, again.message.text) == (update_id, "once")
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_closing_the_sandbox_releases_a_long_poll(sandbox: Sandbox) -> None:
    async with sandbox.serve() as url, telegram.Bot(sandbox.token, base_url=f"{url}/bot") as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await until_polling(sandbox, poll)
        await sandbox.close()
        assert await asyncio.wait_for(poll, 2) == ()
