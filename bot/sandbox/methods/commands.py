"""setMyCommands, getMyCommands and deleteMyCommands."""

from __future__ import annotations

from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["delete_my_commands", "get_my_commands", "set_my_commands"]


async def set_my_commands(world: World, params: Params) -> object:
    """setMyCommands: the list for one scope and language."""
    world.commands.set(
        params.structure("commands"), params.structure("scope"), params.opt_string("language_code")
    )
    return True


async def get_my_commands(world: World, params: Params) -> object:
    """getMyCommands: the list of exactly that scope and language (may be empty)."""
    return world.commands.get(params.structure("scope"), params.opt_string("language_code"))


async def delete_my_commands(world: World, params: Params) -> object:
    """deleteMyCommands: remove the list of one scope and language."""
    world.commands.delete(params.structure("scope"), params.opt_string("language_code"))
    return True
