"""Everything a flow cannot take gets a translated answer, and the current question again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.i18n.chrome import STALE_MENU
from bot.sandbox import SandboxUser
from bot.tg.texts import (
    BUTTON_GONE,
    EDITED_MESSAGE,
    NOT_STORED,
    ONLY_TEXT,
    TOO_LONG_MESSAGE,
    UNKNOWN_COMMAND,
)
from tests.e2e.runtime_fixtures import (  # noqa: F401
    Haven,
    bot_fixture,
    button_texts,
    keyboard_retired,
    nothing_more,
    shared_haven_fixture,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

LANGUAGE = "ru"  # answers in a translated language prove they are translated


def press(data: str) -> Callable[[SandboxUser, int], Awaitable[int]]:
    """A press of a button under the menu that carries ``data`` instead of what it showed."""

    async def act(user: SandboxUser, menu: int) -> int:
        return await user.press(menu, data)

    return act


def first_message(user: SandboxUser) -> int:
    return user.messages[0].message_id


BAD_INPUTS: dict[str, tuple[Callable[[SandboxUser, int], Awaitable[int]], str]] = {
    "unknown command": (lambda user, _: user.send_command("/frobnicate"), UNKNOWN_COMMAND),
    "sticker": (lambda user, _: user.send_sticker(), ONLY_TEXT),
    "voice": (lambda user, _: user.send_voice(), ONLY_TEXT),
    "photo": (lambda user, _: user.send_photo(caption="my passport"), ONLY_TEXT),
    "document": (lambda user, _: user.send_document(), ONLY_TEXT),
    "location": (lambda user, _: user.send_location(55.75, 37.62), NOT_STORED),
    "contact": (lambda user, _: user.send_contact("+79001234567", "Ivan"), NOT_STORED),
    "edited message": (
        lambda user, _: user.edit_text(first_message(user), "/start again"),
        EDITED_MESSAGE,
    ),
    "huge text": (lambda user, _: user.send_text("слово " * 2000), TOO_LONG_MESSAGE),
    "forged data": (press("x"), BUTTON_GONE),
    "forged answer": (press("c:999:nope"), STALE_MENU),
    "data over 64 bytes": (press("c:1:" + "a" * 66), BUTTON_GONE),
    "language not offered": (press("l:es"), BUTTON_GONE),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
async def test_bad_input_is_explained_and_the_question_shown_again(bot: Haven, kind: str) -> None:
    act, answer = BAD_INPUTS[kind]
    said = bot.expected
    user = bot.new_user(LANGUAGE)
    await user.send_command("/start")
    *_, menu = await user.wait_for_bot_messages(4)
    labels = button_texts(menu)
    before = await bot.conversation(user.user_id)

    await act(user, menu.message_id)
    notice, question = await user.wait_for_bot_messages(2)

    assert notice.plain_text == said.ui(LANGUAGE, answer) != said.ui("en", answer)
    assert not notice.buttons
    assert question.plain_text == said.flow(LANGUAGE, "start", "menu")
    assert button_texts(question) == labels
    await keyboard_retired(user, menu)  # only the newest copy of the question has buttons
    after = await bot.conversation(user.user_id)
    assert before is not None and after is not None
    assert (after.state.flow, after.state.node) == ("start", "menu")
    assert after.state.variables == before.state.variables == {}
    assert after.keyboard_message_id == question.message_id
    # And the conversation goes on: the question's buttons work.
    await user.press(question.message_id, question.buttons[0]["callback_data"])
    _intro, where = await user.wait_for_bot_messages(2)
    assert where.plain_text == said.flow(LANGUAGE, "situation", "where")
    await nothing_more(bot, user, where)  # each step was sent once


async def test_personal_data_is_not_stored(bot: Haven) -> None:
    user = bot.new_user("en")
    await user.send_command("/start")
    await user.wait_for_bot_messages(4)
    await user.send_location(55.751244, 37.618423)
    await user.send_contact("+79001234567", "Ivan")
    await user.wait_for_bot_messages(4)
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    state = stored.state.to_json()
    assert "55.75" not in state and "79001234567" not in state and "Ivan" not in state


@pytest.mark.parametrize("kind", ["location", "contact"])
async def test_shared_personal_data_is_deleted_from_the_chat(bot: Haven, kind: str) -> None:
    said = bot.expected
    user = bot.new_user("en")
    await user.send_command("/start")
    await user.wait_for_bot_messages(4)
    if kind == "location":
        await user.send_location(55.751244, 37.618423)
    else:
        await user.send_contact("+79001234567", "Ivan")
    [shared] = [message for message in user.messages if message.kind == kind]
    notice, question = await user.wait_for_bot_messages(2)
    assert notice.plain_text == said.ui("en", NOT_STORED)
    # Not left on a phone that someone else may look at.
    await user.wait_until(lambda: shared.deleted)
    await nothing_more(bot, user, question)


async def test_a_failed_deletion_of_shared_data_is_only_logged(bot: Haven) -> None:
    user = bot.new_user("en")
    await user.send_command("/start")
    await user.wait_for_bot_messages(4)
    bot.sandbox.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted")
    await user.send_location(55.75, 37.62)
    _notice, question = await user.wait_for_bot_messages(2)
    await nothing_more(bot, user, question)  # the chat goes on


async def test_presses_outside_a_private_chat_do_not_reach_the_dialogue(bot: Haven) -> None:
    # The staff group comes later; a press there must not start a conversation there.
    member = bot.new_user("en")
    group = bot.sandbox.supergroup(-1001234500000 - member.user_id, "Staff")
    await group.send_text(member, "hello")
    [posted] = group.messages
    await group.press(member, posted.message_id, "c:1:situation")
    await group.press(member, posted.message_id, "x")
    # The group's updates are handled in order: the second answer comes after the first press
    # was handled completely.
    await group.wait_until(lambda: len(member.callback_answers) == 2)
    assert [answer.get("text") for answer in member.callback_answers] == [None, None]
    assert group.bot_messages == []
    assert await bot.conversation(group.chat_id) is None


async def test_a_press_is_handled_even_when_answering_it_fails(bot: Haven) -> None:
    said = bot.expected
    user = bot.new_user("en")
    await user.send_command("/start")
    *_, menu = await user.wait_for_bot_messages(4)
    bot.sandbox.fail_next("answerCallbackQuery", 502, "Bad Gateway")
    await user.press(menu.message_id, menu.buttons[0]["callback_data"])
    _intro, where = await user.wait_for_bot_messages(2)
    assert where.plain_text == said.flow("en", "situation", "where")
