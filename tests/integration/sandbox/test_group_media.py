"""Members sending media in a forum topic, and copyMessage between a topic and a private chat."""

from __future__ import annotations

import pytest
import telegram

from bot.sandbox import Sandbox, SandboxSupergroup, SandboxUser


@pytest.fixture
def staff(sandbox: Sandbox) -> SandboxSupergroup:
    return sandbox.supergroup(chat_id=-100321, title="Staff", forum=True)


@pytest.fixture
def operator(sandbox: Sandbox) -> SandboxUser:
    return sandbox.user(4004, "Operator", language_code="de")


async def test_members_send_photos_documents_and_voice_notes_in_a_topic(
    bot: telegram.Bot, staff: SandboxSupergroup, operator: SandboxUser
) -> None:
    thread = (await bot.create_forum_topic(staff.chat_id, "#3 · de · work")).message_thread_id
    await staff.send_photo(operator, "The form", message_thread_id=thread)
    await staff.send_document(operator, "guide.pdf", caption="Read this", message_thread_id=thread)
    await staff.send_voice(operator, duration=7, message_thread_id=thread)
    await staff.send_photo(operator)  # no topic: the General topic
    photo, document, voice, general = (u.message for u in await bot.get_updates(timeout=1))
    assert (photo.caption, photo.message_thread_id, photo.is_topic_message) == (
        "The form",
        thread,
        True,
    )
    assert len(photo.photo) == 2 and photo.from_user.id == operator.user_id
    assert (document.document.file_name, document.caption) == ("guide.pdf", "Read this")
    assert document.message_thread_id == thread
    assert (voice.voice.duration, voice.caption, voice.message_thread_id) == (7, None, thread)
    assert general.message_thread_id is None and general.caption is None
    assert [m.kind for m in staff.thread_messages(thread)] == [
        "forum_topic_created",
        "photo",
        "document",
        "voice",
    ]


async def test_copy_from_a_topic_to_a_private_chat_with_a_new_caption(
    bot: telegram.Bot, staff: SandboxSupergroup, operator: SandboxUser, user: SandboxUser
) -> None:
    thread = (await bot.create_forum_topic(staff.chat_id, "#4 · ru · asylum")).message_thread_id
    await staff.send_document(
        operator, "checklist.pdf", caption="internal note", message_thread_id=thread
    )
    [update] = await bot.get_updates(timeout=1)
    copied = await bot.copy_message(
        user.chat_id,
        staff.chat_id,
        update.message.message_id,
        caption="<b>Your checklist</b>",
        parse_mode="HTML",
    )
    [relayed] = user.bot_messages
    assert relayed.message_id == copied.message_id
    assert (relayed.kind, relayed.plain_text) == ("document", "Your checklist")
    assert relayed.media["document"]["file_name"] == "checklist.pdf"
    assert relayed.entities == [{"type": "bold", "offset": 0, "length": 14}]
    assert relayed.message_thread_id is None


async def test_copy_from_a_private_chat_into_a_topic_keeps_the_kind(
    bot: telegram.Bot, staff: SandboxSupergroup, operator: SandboxUser, user: SandboxUser
) -> None:
    thread = (await bot.create_forum_topic(staff.chat_id, "#5 · fr · family")).message_thread_id
    await user.send_voice(duration=12)
    await user.send_photo(caption="passport page")
    await user.send_text("Hello")
    await bot.copy_message(staff.chat_id, user.chat_id, 1, message_thread_id=thread)
    await bot.copy_message(staff.chat_id, user.chat_id, 2, message_thread_id=thread)
    # Telegram documents a new caption for media only; for a text it is ignored.
    await bot.copy_message(
        staff.chat_id, user.chat_id, 3, message_thread_id=thread, caption="ignored"
    )
    voice, photo, text = staff.bot_messages
    assert (voice.kind, voice.media["voice"]["duration"], voice.plain_text) == ("voice", 12, "")
    assert (photo.kind, photo.plain_text) == ("photo", "passport page")
    assert (text.kind, text.plain_text) == ("text", "Hello")
    assert {m.message_thread_id for m in (voice, photo, text)} == {thread}

    # An operator replying to the copy sees it as the bot's voice note in the topic.
    await bot.get_updates(timeout=1)  # confirm the user's three messages
    await staff.send_text(
        operator, "Listened", message_thread_id=thread, reply_to_message_id=voice.message_id
    )
    updates = await bot.get_updates(offset=-1, timeout=1)
    replied = updates[-1].message.reply_to_message
    assert (replied.voice.duration, replied.message_thread_id) == (12, thread)
    assert replied.from_user.is_bot
