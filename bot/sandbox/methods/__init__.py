"""The Bot API methods the sandbox emulates, by name.

Each method is a coroutine ``(world, params) -> result``: the result becomes
``{"ok": true, "result": ...}``, a raised ``SandboxError`` becomes Telegram's error body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.sandbox.methods.callbacks import answer_callback_query
from bot.sandbox.methods.commands import delete_my_commands, get_my_commands, set_my_commands
from bot.sandbox.methods.deleting import delete_message, delete_messages
from bot.sandbox.methods.editing import edit_message_reply_markup, edit_message_text
from bot.sandbox.methods.forum import (
    close_forum_topic,
    create_forum_topic,
    delete_forum_topic,
    edit_forum_topic,
    reopen_forum_topic,
)
from bot.sandbox.methods.identity import get_chat, get_me
from bot.sandbox.methods.media import send_document, send_photo
from bot.sandbox.methods.polling import (
    delete_webhook,
    get_updates,
    get_webhook_info,
    set_webhook,
)
from bot.sandbox.methods.sending import copy_message, send_message
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["METHODS", "Method", "find_method"]

Method = Callable[[World, Params], Awaitable[object]]
"""A Bot API method: parameters in, result out."""

METHODS: dict[str, Method] = {
    "getMe": get_me,
    "getChat": get_chat,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "copyMessage": copy_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "createForumTopic": create_forum_topic,
    "editForumTopic": edit_forum_topic,
    "closeForumTopic": close_forum_topic,
    "reopenForumTopic": reopen_forum_topic,
    "deleteForumTopic": delete_forum_topic,
}
"""Every emulated method under its Bot API name."""

_BY_LOWER = {name.lower(): name for name in METHODS}


def find_method(name: str) -> str | None:
    """Return the canonical name of a method (Telegram ignores case), or None if unknown."""
    return _BY_LOWER.get(name.lower())
