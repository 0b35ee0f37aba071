"""Forum topics in a staff supergroup, and members writing in them."""

from __future__ import annotations

import pytest
import telegram

from bot.sandbox import Sandbox, SandboxSupergroup, SandboxUser


@pytest.fixture
def staff(sandbox: Sandbox) -> SandboxSupergroup:
    return sandbox.supergroup(chat_id=-100123, title="Staff", forum=True)


async def test_topic_lifecycle(bot: telegram.Bot, staff: SandboxSupergroup) -> None:
    topic = await bot.create_forum_topic(staff.chat_id, "Ticket 7")
    assert (topic.name, topic.icon_color) == ("Ticket 7", 0x6FB9F0)
    thread = topic.message_thread_id
    assert await bot.edit_forum_topic(staff.chat_id, thread, name="Ticket 7 (de)")
    assert await bot.close_forum_topic(staff.chat_id, thread)
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)topic_not_modified"):
        await bot.close_forum_topic(staff.chat_id, thread)
    assert await bot.reopen_forum_topic(staff.chat_id, thread)
    assert staff.topics[thread].name == "Ticket 7 (de)" and not staff.topics[thread].closed
    assert [m.kind for m in staff.thread_messages(thread)] == [
        "forum_topic_created",
        "forum_topic_edited",
        "forum_topic_closed",
        "forum_topic_reopened",
    ]
    assert staff.bot_messages == []  # service messages are not the bot's messages


async def test_messages_in_a_topic_carry_its_thread(
    bot: telegram.Bot, sandbox: Sandbox, staff
) -> None:
    thread = (await bot.create_forum_topic(staff.chat_id, "Ticket 1")).message_thread_id
    relayed = await bot.send_message(staff.chat_id, "User wrote: help", message_thread_id=thread)
    assert (relayed.message_thread_id, relayed.is_topic_message) == (thread, True)
    operator = sandbox.user(2002, "Operator", language_code="de")
    await staff.send_text(operator, "On it", message_thread_id=thread)
    await staff.send_text(
        operator, "Replying", reply_to_message_id=relayed.message_id, message_thread_id=thread
    )
    first, second = await bot.get_updates()
    assert (first.message.message_thread_id, first.message.chat.is_forum) == (thread, True)
    # In a topic, a message without an explicit reply replies to the topic's first message.
    assert first.message.reply_to_message.forum_topic_created.name == "Ticket 1"
    assert second.message.reply_to_message.text == "User wrote: help"
    await bot.send_message(staff.chat_id, "Relayed to the user", message_thread_id=thread)
    [confirmation] = await staff.wait_for_bot_messages(1)
    assert (confirmation.text, confirmation.message_thread_id) == ("Relayed to the user", thread)


async def test_forum_errors(
    bot: telegram.Bot, sandbox: Sandbox, staff: SandboxSupergroup, user: SandboxUser
) -> None:
    plain = sandbox.supergroup(-100999, "Plain")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)the chat is not a forum"):
        await bot.create_forum_topic(plain.chat_id, "x")
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(staff.chat_id, "x", message_thread_id=404)
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)message thread not found"):
        await bot.close_forum_topic(staff.chat_id, 404)
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)topic_icon_color_invalid"):
        await bot.create_forum_topic(staff.chat_id, "x", icon_color=0x123456)
    chat = await bot.get_chat(staff.chat_id)
    assert (chat.type, chat.title, chat.is_forum) == ("supergroup", "Staff", True)
