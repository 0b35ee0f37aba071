"""What several methods share: where a message goes and which message a method acts on."""

from __future__ import annotations

from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import bad_request
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["editable_message", "reply_target", "send_target"]


def send_target(world: World, params: Params) -> tuple[ChatRecord, int | None]:
    """Return the chat and forum topic a send method writes to.

    Raises:
        SandboxError: 400 for an unknown chat or topic, 403 when the user blocked the bot.
    """
    chat = world.writable_chat(params.chat_id())
    return chat, world.thread_of(chat, params.opt_integer("message_thread_id"))


def reply_target(chat: ChatRecord, params: Params) -> int | None:
    """Return the message a send method replies to (reply_parameters or reply_to_message_id).

    Raises:
        SandboxError: 400 "message to be replied not found" unless sending without the
            reply is allowed.
    """
    reply = params.structure("reply_parameters")
    message_id = params.opt_integer("reply_to_message_id")
    allow_without = params.flag("allow_sending_without_reply")
    if isinstance(reply, dict):
        raw_id = reply.get("message_id")
        message_id = raw_id if isinstance(raw_id, int) else message_id
        allow_without = allow_without or reply.get("allow_sending_without_reply") is True
    if message_id is None:
        return None
    if chat.live(message_id) is None:
        if allow_without:
            return None
        raise bad_request("message to be replied not found")
    return message_id


def editable_message(world: World, params: Params) -> tuple[ChatRecord, SandboxMessage]:
    """Return the bot message an edit method changes.

    Raises:
        SandboxError: 400 for inline messages (not emulated), a missing message, or a
            message the bot did not send; 403 when the user blocked the bot.
    """
    if params.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the sandbox")
    chat = world.writable_chat(params.chat_id())
    message = chat.live(params.integer("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return chat, message
