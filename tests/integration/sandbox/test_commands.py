"""setMyCommands per language and scope."""

from __future__ import annotations

import pytest
import telegram
from telegram import BotCommand, BotCommandScopeAllPrivateChats

from bot.sandbox import Sandbox


async def test_commands_per_language(bot: telegram.Bot, sandbox: Sandbox) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    await bot.set_my_commands([BotCommand("start", "Начать")], language_code="ru")
    await bot.set_my_commands(
        [BotCommand("start", "Starten")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="de",
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    assert await bot.get_my_commands(language_code="de") == ()  # set for another scope
    assert sandbox.commands[None][1] == {"command": "help", "description": "Help"}
    assert sandbox.commands["ru"] == [{"command": "start", "description": "Начать"}]
    assert sandbox.commands["de"][0]["description"] == "Starten"
    assert sandbox.commands_for({"type": "all_private_chats"}, "de")[0]["command"] == "start"
    assert await bot.delete_my_commands(language_code="ru")
    assert "ru" not in sandbox.commands


async def test_malformed_commands_are_refused(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "Capital letters are not allowed")])
    with pytest.raises(telegram.error.BadRequest, match=r"(?i)invalid language code"):
        await bot.set_my_commands([BotCommand("start", "x")], language_code="russian")
