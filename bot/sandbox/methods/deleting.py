"""deleteMessage and deleteMessages, with Telegram's 48-hour limit in private chats.

A bot may delete a private chat's messages, its own and the person's, for 48 hours after they
were sent (by the message's ``date``, on the sandbox's clock); after that Telegram refuses with
400 "message can't be deleted for everyone". deleteMessages skips ids it cannot find, but
refuses the whole call, deleting none of it, when one of the messages it finds is too old: the
Bot API server checks every message before deleting any (TDLib's ``deleteMessages``). Groups
keep no age limit here: the sandbox's bot administers its groups.
"""

from __future__ import annotations

from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import bad_request
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["DELETABLE_FOR", "delete_message", "delete_messages"]

_MAX_IDS = 100
#: How long a private-chat message can be deleted, in seconds.
DELETABLE_FOR = 48 * 3600
_TOO_OLD = "message can't be deleted for everyone"


async def delete_message(world: World, params: Params) -> object:
    """deleteMessage: 400 "message to delete not found" for a missing or deleted one."""
    chat = world.chat(params.chat_id())
    message = chat.live(params.integer("message_id"))
    if message is None:
        raise bad_request("message to delete not found")
    if _too_old(world, chat, message):
        raise bad_request(_TOO_OLD)
    _delete(chat, message)
    return True


async def delete_messages(world: World, params: Params) -> object:
    """deleteMessages: 1-100 ids; ids that can't be found are skipped, as on Telegram."""
    chat = world.chat(params.chat_id())
    ids = params.structure("message_ids")
    if not isinstance(ids, list) or not ids:
        raise bad_request("message identifiers are not specified")
    if len(ids) > _MAX_IDS:
        raise bad_request("too many message identifiers specified")
    found = [chat.live(i) for i in ids if isinstance(i, int)]
    messages = [message for message in found if message is not None]
    if any(_too_old(world, chat, message) for message in messages):
        raise bad_request(_TOO_OLD)
    for message in messages:
        _delete(chat, message)
    return True


def _too_old(world: World, chat: ChatRecord, message: SandboxMessage) -> bool:
    return chat.type == "private" and world.now() - message.date > DELETABLE_FOR


def _delete(chat: ChatRecord, message: SandboxMessage) -> None:
    if not message.deleted:  # an id listed twice is deleted once
        message.deleted = True
        chat.touch(message)
