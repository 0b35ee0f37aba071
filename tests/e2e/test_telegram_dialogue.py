"""A person talking to the real bot over Telegram's HTTP API: the dialogue itself."""

from __future__ import annotations

import asyncio

import pytest

from bot.handoff.texts import ADVOCATES_UNAVAILABLE
from bot.i18n.chrome import CHOOSE_LANGUAGE, CONVERSATION_ENDED, STALE_MENU
from bot.sandbox import SandboxMessage
from bot.tg.texts import HELP, HIDE_BUTTON, START_AGAIN
from tests.e2e.runtime_fixtures import (  # noqa: F401
    TIMEOUT,
    WELCOME,
    Haven,
    bot_fixture,
    button_texts,
    keyboard_retired,
    nothing_more,
    open_menu,
    press_button,
    reach_passport,
    shared_haven_fixture,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

MENU_OPTIONS = [
    "situation",
    "summons",
    "leaving",
    "transit",
    "refusing",
    "asylum",
    "organisations",
    "advocate",
    "done",
]


def texts(messages: list[SandboxMessage]) -> list[str]:
    return [message.plain_text for message in messages]


@pytest.mark.parametrize("language", ["ru", "de", "fr"])
async def test_start_speaks_the_users_language(bot: Haven, language: str) -> None:
    said = bot.expected
    user = bot.new_user(language)
    await user.send_command("/start")
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert texts(messages) == [said.flow(language, "start", node) for node in WELCOME]
    assert texts(messages) != [said.flow("en", "start", node) for node in WELCOME]
    *welcome, menu = messages
    assert all(not message.buttons for message in welcome)
    options = [said.flow(language, "start", "menu", f"option.{key}") for key in MENU_OPTIONS]
    assert button_texts(menu)[: len(options)] == options
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.language, stored.state.node, stored.status) == (language, "menu", "active")
    # The keyboard is recorded once the step is out, so it may trail the messages a moment.
    async with asyncio.timeout(TIMEOUT):
        while stored.keyboard_message_id != menu.message_id:
            await asyncio.sleep(0.01)
            stored = await bot.conversation(user.user_id)
            assert stored is not None


async def test_a_whole_path_to_the_end(bot: Haven) -> None:
    said = bot.expected
    user, menu = await open_menu(bot)
    await press_button(user, menu, "Look at my situation")
    intro, where = await user.wait_for_bot_messages(2)
    assert intro.plain_text == said.flow("en", "situation", "intro")
    await keyboard_retired(user, menu)  # the answered question's buttons are gone
    await press_button(user, where, "In the EU")
    [passport] = await user.wait_for_bot_messages(1)
    assert button_texts(passport)[:2] == ["Yes", "No"]
    await press_button(user, passport, "Yes")
    [days] = await user.wait_for_bot_messages(1)
    assert days.plain_text == said.flow("en", "situation", "days")
    await user.send_text("30")  # free text for an input node
    protection, offer = await user.wait_for_bot_messages(2)
    assert protection.plain_text.startswith(said.flow("en", "situation", "protection"))
    assert [b.get("url") for b in protection.buttons] == ["https://www.refworld.org"]
    await keyboard_retired(user, days)
    await press_button(user, offer, "Not now")
    # The situation flow ends and the menu comes back; "Nothing for now" ends the dialogue.
    [menu_again] = await user.wait_for_bot_messages(1)
    assert menu_again.plain_text == said.flow("en", "start", "menu")
    await press_button(user, menu_again, "Nothing for now")
    bye, ended = await user.wait_for_bot_messages(2)
    assert bye.plain_text == said.flow("en", "start", "bye")
    assert ended.plain_text == said.ui("en", CONVERSATION_ENDED)
    assert button_texts(ended) == [START_AGAIN, HIDE_BUTTON]
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.status == "ended"
    # "Start again" begins anew.
    await press_button(user, ended, START_AGAIN)
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert texts(messages) == [said.flow("en", "start", node) for node in WELCOME]
    await keyboard_retired(user, ended)


async def test_back_shows_the_previous_question(bot: Haven) -> None:
    said = bot.expected
    user, passport = await reach_passport(bot)
    await press_button(user, passport, "Back")
    [where] = await user.wait_for_bot_messages(1)
    assert where.plain_text == said.flow("en", "situation", "where")
    assert "In Russia" in button_texts(where)
    await keyboard_retired(user, passport)
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.state.node == "where"
    assert "location" not in stored.state.variables  # the answer given there is undone
    # /back does the same: now back at the menu.
    await user.send_command("/back")
    [menu] = await user.wait_for_bot_messages(1)
    assert menu.plain_text == said.flow("en", "start", "menu")
    await keyboard_retired(user, where)


@pytest.mark.parametrize("how", ["button", "command"])
async def test_restart_begins_at_the_top(bot: Haven, how: str) -> None:
    said = bot.expected
    user, passport = await reach_passport(bot)
    if how == "button":
        await press_button(user, passport, "Restart")
    else:
        await user.send_command("/restart")
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert texts(messages) == [said.flow("en", "start", node) for node in WELCOME]
    await keyboard_retired(user, passport)
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.flow, stored.state.node, stored.state.variables) == ("start", "menu", {})
    await nothing_more(bot, user, messages[-1])  # one restart, one welcome


async def test_commands_are_taken_whatever_their_case(bot: Haven) -> None:
    said = bot.expected
    user, _passport = await reach_passport(bot)
    await user.send_command("/Back")  # as a phone's keyboard capitalises it
    [where] = await user.wait_for_bot_messages(1)
    assert where.plain_text == said.flow("en", "situation", "where")
    await user.send_command("/RESTART")
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert texts(messages) == [said.flow("en", "start", node) for node in WELCOME]
    await user.send_command("/Help")
    help_, menu = await user.wait_for_bot_messages(2)
    assert help_.plain_text == said.ui("en", HELP)
    assert menu.plain_text == said.flow("en", "start", "menu")
    await nothing_more(bot, user, menu)


async def test_the_language_command_offers_the_languages(bot: Haven) -> None:
    said = bot.expected
    user, passport = await reach_passport(bot)
    await user.send_command("/language")
    [picker] = await user.wait_for_bot_messages(1)
    assert picker.plain_text == said.ui("en", CHOOSE_LANGUAGE)
    assert {"English", "Русский", "Deutsch", "Français"} <= set(button_texts(picker))
    await keyboard_retired(user, passport)
    await press_button(user, picker, "Français")
    [again] = await user.wait_for_bot_messages(1)
    assert again.plain_text == said.flow("fr", "situation", "passport")
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.language, stored.state.node) == ("fr", "passport")


async def test_the_human_command_asks_for_an_advocate(bot: Haven) -> None:
    said = bot.expected
    user, _passport = await reach_passport(bot, "de")
    await user.send_command("/human")
    [asked] = await user.wait_for_bot_messages(1)
    # This deployment has no staff group: nobody is promised an answer that cannot come.
    assert asked.plain_text == said.ui("de", ADVOCATES_UNAVAILABLE) != ADVOCATES_UNAVAILABLE
    await nothing_more(bot, user, asked)


async def test_a_deep_link_to_an_unknown_flow_opens_the_default_flow(bot: Haven) -> None:
    said = bot.expected
    user = bot.new_user("en")
    await user.send_command("/start", "nope")
    messages = await user.wait_for_bot_messages(len(WELCOME))
    assert texts(messages) == [said.flow("en", "start", node) for node in WELCOME]
    stored = await bot.conversation(user.user_id)
    assert stored is not None and (stored.state.flow, stored.state.node) == ("start", "menu")
    await nothing_more(bot, user, messages[-1])


async def test_a_deep_link_opens_its_flow(bot: Haven) -> None:
    said = bot.expected
    user = bot.new_user("en")
    await user.send_command("/start", "situation")
    intro, where = await user.wait_for_bot_messages(2)
    assert intro.plain_text == said.flow("en", "situation", "intro")
    assert where.plain_text == said.flow("en", "situation", "where")


async def test_language_switch_keeps_the_place(bot: Haven) -> None:
    said = bot.expected
    user, passport = await reach_passport(bot)
    await press_button(user, passport, "Change language")
    [picker] = await user.wait_for_bot_messages(1)
    assert {"English", "Русский", "Deutsch", "Français"} <= set(button_texts(picker))
    await press_button(user, picker, "Deutsch")
    [again] = await user.wait_for_bot_messages(1)
    assert again.plain_text == said.flow("de", "situation", "passport")
    assert button_texts(again)[:2] == ["Ja", "Nein"]
    await keyboard_retired(user, passport)
    await keyboard_retired(user, picker)  # the picker's own buttons went with the choice
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.language, stored.state.node) == ("de", "passport")
    assert stored.state.variables == {"location": "russia"}
    # The dialogue goes on from there, in German.
    await press_button(user, again, "Ja")
    summons, _offer = await user.wait_for_bot_messages(2)
    assert summons.plain_text.startswith(said.flow("de", "situation", "summons"))


async def test_double_tap_takes_one_step(bot: Haven) -> None:
    said = bot.expected
    user, menu = await open_menu(bot)
    # Two presses of the same button, sent before the bot answers the first.
    await press_button(user, menu, "Look at my situation")
    await press_button(user, menu, "Look at my situation")
    intro, where, stale, where_again = await user.wait_for_bot_messages(4)
    assert intro.plain_text == said.flow("en", "situation", "intro")
    assert stale.plain_text == said.ui("en", STALE_MENU)
    assert where.plain_text == where_again.plain_text == said.flow("en", "situation", "where")
    await keyboard_retired(user, where)
    assert where_again.buttons
    await user.wait_until(lambda: len(user.callback_answers) == 2)
    stored = await bot.conversation(user.user_id)
    assert stored is not None
    assert (stored.state.flow, stored.state.node) == ("situation", "where")
    assert [checkpoint.node for checkpoint in stored.state.history] == ["menu", "where"]
    # The conversation is intact: the current buttons work.
    await press_button(user, where_again, "In Russia")
    [passport] = await user.wait_for_bot_messages(1)
    assert passport.plain_text == said.flow("en", "situation", "passport")


async def test_redelivered_update_is_ignored(bot: Haven) -> None:
    said = bot.expected
    user = bot.new_user("en")
    started = await user.send_command("/start")
    *_, menu = await user.wait_for_bot_messages(len(WELCOME))
    pressed = await press_button(user, menu, "Look at my situation")
    await user.wait_for_bot_messages(2)
    before = len(user.bot_messages)
    turn = (await bot.conversation(user.user_id)).state.turn  # type: ignore[union-attr]
    await bot.sandbox.redeliver(pressed)
    await bot.sandbox.redeliver(started)
    # Anything the redeliveries caused would come before the answer to /help.
    await user.send_command("/help")
    help_, where = await user.wait_for_bot_messages(2)
    assert help_.plain_text == said.ui("en", HELP)
    assert where.plain_text == said.flow("en", "situation", "where")
    assert len(user.bot_messages) == before + 2
    stored = await bot.conversation(user.user_id)
    assert stored is not None and stored.state.node == "where"
    assert stored.state.turn == turn  # /help showed the same question again; nothing else ran
