"""Deleting in a private chat: Telegram's 48-hour limit, on the sandbox's clock."""

from __future__ import annotations

import httpx
import pytest
import telegram

from bot.sandbox import Sandbox, SandboxUser

HOURS = 3600


async def test_a_message_older_than_48_hours_cannot_be_deleted(
    sandbox: Sandbox, bot: telegram.Bot, user: SandboxUser
) -> None:
    old = await bot.send_message(user.chat_id, "old")
    sandbox.advance_clock(48 * HOURS + 1)
    new = await bot.send_message(user.chat_id, "new")
    with pytest.raises(telegram.error.BadRequest, match="can't be deleted for everyone"):
        await bot.delete_message(user.chat_id, old.message_id)
    assert await bot.delete_message(user.chat_id, new.message_id)
    assert [m.message_id for m in user.visible_messages] == [old.message_id]


async def test_exactly_48_hours_old_can_still_be_deleted(
    sandbox: Sandbox, bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_text("mine")
    sandbox.advance_clock(48 * HOURS)
    assert await bot.delete_messages(user.chat_id, [1])
    assert user.visible_messages == []


async def test_one_old_message_refuses_the_whole_batch(
    sandbox: Sandbox, bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_text("old, the person's")
    sandbox.advance_clock(49 * HOURS)
    fresh = [(await bot.send_message(user.chat_id, f"{n}")).message_id for n in range(3)]
    with pytest.raises(telegram.error.BadRequest, match="can't be deleted for everyone"):
        await bot.delete_messages(user.chat_id, [1, *fresh])
    assert len(user.visible_messages) == 4, "nothing of a refused call is deleted"
    # Ids it cannot find are skipped, also next to deletable ones.
    assert await bot.delete_messages(user.chat_id, [*fresh, 999])
    assert [m.message_id for m in user.visible_messages] == [1]


async def test_groups_keep_no_age_limit(sandbox: Sandbox, bot: telegram.Bot) -> None:
    group = sandbox.supergroup(-1001, "Staff")
    sent = await bot.send_message(group.chat_id, "note")
    sandbox.advance_clock(72 * HOURS)
    assert await bot.delete_messages(group.chat_id, [sent.message_id])


async def test_the_client_api_lists_what_the_chat_still_shows(
    bot: telegram.Bot, user: SandboxUser, url: str
) -> None:
    await user.send_text("one")
    kept = await bot.send_message(user.chat_id, "two")
    await bot.delete_message(user.chat_id, 1)
    async with httpx.AsyncClient(base_url=url) as client:
        reply = (await client.get(f"/sandbox/users/{user.user_id}/messages?live=1")).json()
        every = (await client.get(f"/sandbox/chats/{user.chat_id}/messages")).json()
    assert [m["message_id"] for m in reply["messages"]] == [kept.message_id]
    assert [m["deleted"] for m in every["messages"]] == [True, False]


async def test_deleting_a_topic_deletes_its_messages(sandbox: Sandbox, bot: telegram.Bot) -> None:
    group = sandbox.supergroup(-1002, "Staff", forum=True)
    topic = await bot.create_forum_topic(group.chat_id, "#1")
    kept = await bot.send_message(group.chat_id, "General")
    await bot.send_message(group.chat_id, "in the topic", message_thread_id=topic.message_thread_id)
    assert await bot.delete_forum_topic(group.chat_id, topic.message_thread_id)
    assert group.topics == {}
    assert [m.message_id for m in group.messages if not m.deleted] == [kept.message_id]
    with pytest.raises(telegram.error.BadRequest, match="thread not found"):
        await bot.delete_forum_topic(group.chat_id, topic.message_thread_id)
