"""getMe and getChat: who the bot is and what a chat is."""

from __future__ import annotations

from bot.sandbox.objects import full_chat_json, get_me_json
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["get_chat", "get_me"]


async def get_me(world: World, params: Params) -> object:
    """getMe: the bot's User (PTB calls it in ``Bot.initialize``)."""
    return get_me_json(world.bot)


async def get_chat(world: World, params: Params) -> object:
    """getChat: a ChatFullInfo (400 "chat not found" for an unknown chat)."""
    return full_chat_json(world.chat(params.chat_id()))
