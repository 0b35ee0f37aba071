"""The command menu Telegram shows, in every language the bot speaks (setMyCommands)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, BotCommand

from bot.engine import Translator

from .texts import COMMAND_DESCRIPTIONS

__all__ = ["register_commands"]


async def register_commands(bot: Bot, translator: Translator, languages: Sequence[str]) -> None:
    """Set the menu for each of ``languages``; the first is also the default for all others."""
    for index, language in enumerate(languages):
        commands = [
            BotCommand(command, translator.ui_text(language, description))
            for command, description in COMMAND_DESCRIPTIONS.items()
        ]
        await bot.set_my_commands(commands, language_code=language)
        if index == 0:
            await bot.set_my_commands(commands)
