"""deleteMessage and deleteMessages.

Telegram lets a bot delete messages in a private chat only within 48 hours of sending; the
sandbox does not model message age, so deletions never fail for that reason.
"""

from __future__ import annotations

from bot.sandbox.errors import bad_request
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["delete_message", "delete_messages"]

_MAX_IDS = 100


async def delete_message(world: World, params: Params) -> object:
    """deleteMessage: 400 "message to delete not found" for a missing or deleted one."""
    chat = world.chat(params.chat_id())
    message = chat.live(params.integer("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    chat.touch(message)
    return True


async def delete_messages(world: World, params: Params) -> object:
    """deleteMessages: 1-100 ids; ids that can't be found are skipped, as on Telegram."""
    chat = world.chat(params.chat_id())
    ids = params.structure("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    if len(ids) > _MAX_IDS:
        raise bad_request("too many message identifiers specified")
    for message_id in ids:
        message = chat.live(message_id) if isinstance(message_id, int) else None
        if message is not None:
            message.deleted = True
            chat.touch(message)
    return True
