"""editMessageText and editMessageReplyMarkup, including Telegram's "not modified" rule."""

from __future__ import annotations

from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import bad_request
from bot.sandbox.formatting import format_text
from bot.sandbox.markup import inline_keyboard_of, validate_reply_markup
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.methods.common import editable_message
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["edit_message_reply_markup", "edit_message_text"]

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _edited(world: World, chat: ChatRecord, message: SandboxMessage) -> object:
    message.edited = True
    message.edit_date = world.now()
    chat.touch(message)
    return world.message_json(chat, message)


async def edit_message_text(world: World, params: Params) -> object:
    """editMessageText: new text and keyboard.

    As on Telegram, leaving out reply_markup removes the message's inline keyboard.
    """
    chat, message = editable_message(world, params)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    text = format_text(
        params.opt_string("text"), params.opt_string("parse_mode"), params.structure("entities")
    )
    markup = inline_keyboard_of(validate_reply_markup(params.structure("reply_markup")))
    unchanged = (
        text.plain == message.plain_text
        and list(text.entities) == message.entities
        and markup == inline_keyboard_of(message.reply_markup)
    )
    if unchanged:
        raise bad_request(_NOT_MODIFIED)
    message.text, message.plain_text = text.source, text.plain
    message.entities, message.parse_mode = list(text.entities), text.parse_mode
    message.reply_markup = markup
    return _edited(world, chat, message)


async def edit_message_reply_markup(world: World, params: Params) -> object:
    """editMessageReplyMarkup: a new inline keyboard; none removes it."""
    chat, message = editable_message(world, params)
    markup = inline_keyboard_of(validate_reply_markup(params.structure("reply_markup")))
    if markup == inline_keyboard_of(message.reply_markup):
        raise bad_request(_NOT_MODIFIED)
    message.reply_markup = markup
    return _edited(world, chat, message)
