"""What Telegram refuses, the sandbox refuses in Telegram's words, and PTB raises the same."""

from __future__ import annotations

import datetime as dtm

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.sandbox import Sandbox, SandboxUser


async def refused(
    call, error_type: type[telegram.error.TelegramError]
) -> telegram.error.TelegramError:
    with pytest.raises(error_type) as caught:
        await call
    return caught.value


async def test_text_over_4096_characters_is_too_long(bot: telegram.Bot, user: SandboxUser) -> None:
    await bot.send_message(user.chat_id, "я" * 4096)  # the limit counts characters, not bytes
    error = await refused(bot.send_message(user.chat_id, "я" * 4097), telegram.error.BadRequest)
    assert error.message == "Message is too long"


async def test_tags_do_not_count_towards_the_limit(bot: telegram.Bot, user: SandboxUser) -> None:
    await bot.send_message(user.chat_id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")


async def test_empty_text_is_refused(bot: telegram.Bot, user: SandboxUser) -> None:
    for text in ("", "   \n", "<b></b>"):
        error = await refused(
            bot.send_message(user.chat_id, text, parse_mode="HTML"), telegram.error.BadRequest
        )
        assert error.message == "Message text is empty"


async def test_unknown_chat_is_not_found(bot: telegram.Bot) -> None:
    error = await refused(bot.send_message(424242, "hi"), telegram.error.BadRequest)
    assert error.message == "Chat not found"


async def test_malformed_html_cannot_be_parsed(bot: telegram.Bot, user: SandboxUser) -> None:
    # The parser's cases are in test_html.py; this proves the error reaches PTB intact.
    error = await refused(
        bot.send_message(user.chat_id, "Hi, <name>!", parse_mode="HTML"), telegram.error.BadRequest
    )
    assert error.message.lower() == (
        'can\'t parse entities: unsupported start tag "name" at byte offset 4'
    )


async def test_callback_data_must_be_1_to_64_bytes(bot: telegram.Bot, user: SandboxUser) -> None:
    for data in ("x" * 65, "ж" * 33, ""):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data=data)]])
        error = await refused(
            bot.send_message(user.chat_id, "Q", reply_markup=markup), telegram.error.BadRequest
        )
        assert error.message == "Button_data_invalid"  # PTB capitalizes BUTTON_DATA_INVALID


async def test_64_bytes_of_callback_data_are_fine(bot: telegram.Bot, user: SandboxUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="ж" * 32)]])
    await bot.send_message(user.chat_id, "Q", reply_markup=markup)


async def test_blocked_user_gives_forbidden_and_my_chat_member(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    update_id = sandbox.block(user.user_id)
    error = await refused(bot.send_message(user.chat_id, "hi"), telegram.error.Forbidden)
    assert error.message == "Forbidden: bot was blocked by the user"
    [update] = await bot.get_updates(timeout=1)
    assert update.update_id == update_id
    assert update.my_chat_member.new_chat_member.status == "kicked"
    sandbox.unblock(user.user_id)
    await bot.send_message(user.chat_id, "welcome back")


async def test_injected_failures_are_raised_once(
    bot: telegram.Bot, sandbox: Sandbox, user: SandboxUser
) -> None:
    sandbox.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    sandbox.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    flood = await refused(bot.send_message(user.chat_id, "a"), telegram.error.RetryAfter)
    assert flood.retry_after in (7, dtm.timedelta(seconds=7))
    blocked = await refused(bot.send_message(user.chat_id, "b"), telegram.error.Forbidden)
    assert "blocked" in blocked.message
    await bot.send_message(user.chat_id, "c")
    assert [m.text for m in user.bot_messages] == ["c"]


async def test_answer_text_is_at_most_200_characters(bot: telegram.Bot, user: SandboxUser) -> None:
    sent = await bot.send_message(
        user.chat_id,
        "Q",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    await user.press(sent.message_id, "a")
    [update] = await bot.get_updates(timeout=1)
    await refused(update.callback_query.answer("x" * 201), telegram.error.BadRequest)
    assert await update.callback_query.answer("x" * 200)


async def test_unknown_query_id_is_refused(bot: telegram.Bot) -> None:
    error = await refused(bot.answer_callback_query("123"), telegram.error.BadRequest)
    assert "query id is invalid" in error.message.lower()


async def test_edits_of_missing_or_foreign_messages_are_refused(
    bot: telegram.Bot, user: SandboxUser
) -> None:
    await user.send_text("mine")
    foreign = await refused(
        bot.edit_message_text("x", chat_id=user.chat_id, message_id=1), telegram.error.BadRequest
    )
    assert foreign.message == "Message can't be edited"
    missing = await refused(
        bot.edit_message_text("x", chat_id=user.chat_id, message_id=99), telegram.error.BadRequest
    )
    assert missing.message == "Message to edit not found"


async def test_delete_messages_takes_at_most_100_ids(bot: telegram.Bot, user: SandboxUser) -> None:
    await refused(bot.delete_messages(user.chat_id, list(range(1, 102))), telegram.error.BadRequest)


async def test_unknown_file_id_is_refused(bot: telegram.Bot, user: SandboxUser) -> None:
    error = await refused(
        bot.send_photo(user.chat_id, "AgACAgIAAxkBAAIforged"), telegram.error.BadRequest
    )
    assert error.message == "Wrong file identifier/http url specified"


async def test_wrong_token_and_unknown_method_in_telegrams_shape(
    url: str, user: SandboxUser
) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        wrong = await client.post("/bot1:WRONG/getMe")
        unknown = await client.post("/bot123456:SANDBOX/getEverything")
        by_get = await client.get("/bot123456:SANDBOX/getChat", params={"chat_id": "1001"})
        as_json = await client.post(
            "/bot123456:SANDBOX/sendMessage", json={"chat_id": 5, "text": "x"}
        )
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert by_get.json()["result"]["first_name"] == "Test"
    assert as_json.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }


async def test_ptb_initialize_fails_on_a_wrong_token(url: str) -> None:
    wrong = telegram.Bot("1:WRONG", base_url=f"{url}/bot")
    with pytest.raises(telegram.error.InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()
