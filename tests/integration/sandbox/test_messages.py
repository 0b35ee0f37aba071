"""Sending, editing, deleting and copying messages with a real PTB Bot over HTTP."""

from __future__ import annotations

import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.sandbox import Sandbox, SandboxUser


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


async def test_get_me_describes_the_bot(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "haven_sandbox_bot", True)


async def test_get_chat_returns_full_info_of_private_chat(bot: telegram.Bot, user: SandboxUser):
    chat = await bot.get_chat(user.user_id)
    assert (chat.id, chat.type, chat.first_name) == (1001, "private", "Test")


async def test_send_message_in_html_is_shown_parsed_and_kept_as_sent(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(
        user.chat_id, "<b>Hello</b>, &lt;friend&gt; 👋 <i>x</i>", parse_mode=ParseMode.HTML
    )
    assert sent.text == "Hello, <friend> 👋 x"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 5),
        ("italic", 19, 1),  # the emoji counts as two UTF-16 code units
    ]
    [message] = user.bot_messages
    assert message.text == "<b>Hello</b>, &lt;friend&gt; 👋 <i>x</i>"
    assert message.plain_text == sent.text
    assert (message.parse_mode, message.kind, message.from_bot) == ("HTML", "text", True)


async def test_inline_keyboard_reaches_the_user_and_a_press_reaches_the_bot(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(
        user.chat_id,
        "Pick",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Yes", callback_data="c:1")],
                [InlineKeyboardButton("Site", url="https://example.org/help")],
            ]
        ),
    )
    [message] = user.bot_messages
    assert [b["text"] for b in message.buttons] == ["Yes", "Site"]
    update_id = await user.press(sent.message_id, "c:1")
    [update] = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert update.update_id == update_id
    assert (query.data, query.from_user.id) == ("c:1", 1001)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == sent.reply_markup
    assert await query.answer("Done", show_alert=True)
    assert [(a["text"], a["show_alert"]) for a in user.callback_answers] == [("Done", True)]


async def test_each_press_has_a_fresh_query_id_answered_once(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(user.chat_id, "Pick", reply_markup=keyboard(("A", "a")))
    await user.press(sent.message_id, "a")
    await user.press(sent.message_id, "a")
    first, second = await bot.get_updates(timeout=1)
    assert first.callback_query.id != second.callback_query.id
    await first.callback_query.answer()
    try:
        await first.callback_query.answer()
    except telegram.error.BadRequest as error:
        assert "query is too old" in error.message.lower()
    else:
        raise AssertionError("a second answer must be refused")


async def test_edit_message_text_changes_text_and_drops_omitted_keyboard(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(user.chat_id, "Question?", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text(
        "Answered.", chat_id=user.chat_id, message_id=sent.message_id
    )
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Answered." and edited.edit_date is not None
    assert edited.reply_markup is None
    [message] = user.bot_messages
    assert (message.text, message.edited, message.reply_markup) == ("Answered.", True, None)


async def test_edit_reply_markup_replaces_then_removes_the_keyboard(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(user.chat_id, "Q", reply_markup=keyboard(("A", "a")))
    await bot.edit_message_reply_markup(
        user.chat_id, sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    assert user.bot_messages[0].buttons[0]["callback_data"] == "b"
    await bot.edit_message_reply_markup(user.chat_id, sent.message_id)
    assert user.bot_messages[0].reply_markup is None


async def test_unchanged_edits_are_not_modified(bot: telegram.Bot, user: SandboxUser) -> None:
    sent = await bot.send_message(
        user.chat_id, "<b>Q</b>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    for edit in (
        bot.edit_message_text(
            "<b>Q</b>",
            chat_id=user.chat_id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard(("A", "a")),
        ),
        bot.edit_message_reply_markup(
            user.chat_id, sent.message_id, reply_markup=keyboard(("A", "a"))
        ),
    ):
        try:
            await edit
        except telegram.error.BadRequest as error:
            assert error.message.startswith("Message is not modified")
        else:
            raise AssertionError("an unchanged edit must be refused")


async def test_delete_message_and_messages(bot: telegram.Bot, user: SandboxUser) -> None:
    await user.send_text("mine")
    ids = [(await bot.send_message(user.chat_id, f"m{i}")).message_id for i in range(3)]
    assert await bot.delete_message(user.chat_id, 1)  # the user's own message
    assert await bot.delete_messages(user.chat_id, [ids[0], ids[1], 999])  # 999 is skipped
    assert [m.deleted for m in user.messages] == [True, True, True, False]
    try:
        await bot.delete_message(user.chat_id, ids[0])
    except telegram.error.BadRequest as error:
        assert error.message == "Message to delete not found"
    else:
        raise AssertionError("deleting twice must fail")


async def test_copy_message_relays_without_the_sender(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    staff = sandbox.supergroup(-100123, "Staff")
    await user.send_text("I need help")
    copied = await bot.copy_message(staff.chat_id, user.chat_id, 1)
    [relayed] = staff.bot_messages
    assert copied.message_id == relayed.message_id
    assert (relayed.text, relayed.from_bot) == ("I need help", True)


async def test_photos_and_documents_by_upload_file_id_and_url(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_photo(caption="look")
    [update] = await bot.get_updates(timeout=1)
    received = update.message.photo[-1].file_id
    again = await bot.send_photo(user.chat_id, received, caption="<i>back</i>", parse_mode="HTML")
    assert again.photo[-1].file_id == received and again.caption == "back"
    uploaded = await bot.send_photo(user.chat_id, b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert uploaded.photo[-1].file_size == 72
    document = await bot.send_document(user.chat_id, b"line\r\n--boundary-like", filename="n.txt")
    assert (document.document.file_name, document.document.file_size) == ("n.txt", 21)
    from_url = await bot.send_document(user.chat_id, "https://example.org/guide.pdf")
    assert from_url.document.file_name == "guide.pdf"
    assert [m.kind for m in user.bot_messages] == ["photo", "photo", "document", "document"]


async def test_every_kind_of_user_message_parses_in_ptb(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_sticker()
    await user.send_voice()
    await user.send_photo()
    await user.send_document()
    await user.send_location(52.52, 13.405)
    await user.send_contact("+49301234567", "Anna")
    await user.send_command("/start", "eu")
    await user.edit_text(7, "/start de")
    updates = await bot.get_updates(timeout=1)
    messages = [u.message or u.edited_message for u in updates]
    assert messages[0].sticker.emoji == "👍"
    assert messages[1].voice.duration == 3
    assert len(messages[2].photo) == 2
    assert messages[3].document.mime_type == "application/pdf"
    assert messages[4].location.latitude == 52.52
    assert messages[5].contact.phone_number == "+49301234567"
    assert messages[6].text == "/start eu"
    assert messages[6].entities[0].type == "bot_command"
    assert updates[7].edited_message.text == "/start de"
    assert updates[7].edited_message.edit_date is not None
    assert all(m.from_user.language_code == "ru" for m in messages)


async def test_a_press_on_a_deleted_message_shows_it_inaccessible(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    sent = await bot.send_message(user.chat_id, "old", reply_markup=keyboard(("A", "a")))
    await bot.delete_message(user.chat_id, sent.message_id)
    await user.press(sent.message_id, "a")
    [update] = await bot.get_updates(timeout=1)
    assert not update.callback_query.message.is_accessible


async def test_wait_for_bot_messages_hands_out_each_message_once(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_text("hi")
    for text in ("one", "two", "three"):
        await bot.send_message(user.chat_id, text)
    assert [m.text for m in await user.wait_for_bot_messages(2)] == ["one", "two"]
    assert [m.text for m in await user.wait_for_bot_messages(1)] == ["three"]
    try:
        await user.wait_for_bot_messages(1, timeout=0.05)
    except TimeoutError as error:
        assert "got 0" in str(error)
    else:
        raise AssertionError("nothing new was sent")


async def test_calls_are_recorded_with_natural_values(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    await bot.send_message(user.chat_id, "x", reply_markup=keyboard(("A", "a")))
    [params] = sandbox.calls_of("sendMessage")
    assert params["chat_id"] == 1001
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
