"""sendMessage and copyMessage: the bot writing to a chat."""

from __future__ import annotations

from bot.sandbox.errors import bad_request
from bot.sandbox.formatting import format_caption, format_text
from bot.sandbox.markup import validate_reply_markup
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.methods.common import reply_target, send_target
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = ["copy_message", "send_message"]


async def send_message(world: World, params: Params) -> object:
    """sendMessage: text (HTML checked as Telegram does) with an optional keyboard."""
    chat, thread = send_target(world, params)
    text = format_text(
        params.opt_string("text"), params.opt_string("parse_mode"), params.structure("entities")
    )
    markup = validate_reply_markup(params.structure("reply_markup"))
    message = SandboxMessage(
        message_id=chat.next_message_id(),
        from_bot=True,
        text=text.source,
        reply_markup=markup,
        parse_mode=text.parse_mode,
        plain_text=text.plain,
        entities=list(text.entities),
        message_thread_id=thread,
        reply_to_message_id=reply_target(chat, params),
    )
    return world.message_json(chat, world.post_bot_message(chat, message))


async def copy_message(world: World, params: Params) -> object:
    """copyMessage: the same content as the bot's own message, without a link to the sender.

    Returns a MessageId. A caption, parse mode and keyboard may replace the original's; the
    original's keyboard is not copied.
    """
    source_chat = world.chat(params.chat_id("from_chat_id"))
    source = source_chat.live(params.integer("message_id"))
    if source is None:
        raise bad_request("message to copy not found")
    if source.kind.startswith("forum_topic_"):
        raise bad_request("message can't be copied")
    chat, thread = send_target(world, params)
    text, plain, entities, parse_mode = (
        source.text,
        source.plain_text,
        list(source.entities),
        source.parse_mode,
    )
    if params.has("caption") and source.kind != "text":
        caption = format_caption(
            params.opt_string("caption"),
            params.opt_string("parse_mode"),
            params.structure("caption_entities"),
        )
        text, plain, entities = caption.source, caption.plain, list(caption.entities)
        parse_mode = caption.parse_mode
    copy = SandboxMessage(
        message_id=chat.next_message_id(),
        from_bot=True,
        text=text,
        reply_markup=validate_reply_markup(params.structure("reply_markup")),
        kind=source.kind,
        parse_mode=parse_mode,
        plain_text=plain,
        entities=entities,
        message_thread_id=thread,
        reply_to_message_id=reply_target(chat, params),
        media=dict(source.media),
    )
    world.post_bot_message(chat, copy)
    return {"message_id": copy.message_id}
