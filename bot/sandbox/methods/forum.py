"""Forum topics of a supergroup: create, rename, close, reopen and delete.

Each change also leaves the service message Telegram shows in the topic. The bot is an
administrator, so it may still write in a closed topic, as on Telegram. Deleting a topic
deletes every message in it (the messages stay in the list, flagged deleted).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.chats import ChatRecord, ForumTopic
from bot.sandbox.errors import bad_request
from bot.sandbox.messages import MessageKind, SandboxMessage
from bot.sandbox.params import Params
from bot.sandbox.world import World

__all__ = [
    "close_forum_topic",
    "create_forum_topic",
    "delete_forum_topic",
    "edit_forum_topic",
    "reopen_forum_topic",
]

# The only icon colors Telegram accepts for new topics.
ICON_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
_MAX_NAME = 128


def _forum(world: World, params: Params) -> ChatRecord:
    chat = world.chat(params.chat_id())
    if chat.type != "supergroup" or not chat.is_forum:
        raise bad_request("the chat is not a forum")
    return chat


def _topic(chat: ChatRecord, params: Params) -> ForumTopic:
    topic = chat.topics.get(params.integer("message_thread_id"))
    if topic is None:
        raise bad_request("message thread not found")
    return topic


def _name(name: str | None) -> str:
    if not name or not name.strip():
        raise bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > _MAX_NAME:
        raise bad_request("TOPIC_TITLE_TOO_LONG")
    return name


def _service(
    world: World, chat: ChatRecord, thread_id: int, kind: MessageKind, content: dict[str, Any]
) -> SandboxMessage:
    message = SandboxMessage(
        message_id=thread_id if kind == "forum_topic_created" else chat.next_message_id(),
        from_bot=True,
        kind=kind,
        message_thread_id=thread_id,
        media={kind: content},
    )
    return world.post_bot_message(chat, message)


async def create_forum_topic(world: World, params: Params) -> object:
    """createForumTopic: a topic whose id is that of its "topic created" service message."""
    chat = _forum(world, params)
    name = _name(params.opt_string("name"))
    color = params.opt_integer("icon_color")
    if color is None:
        color = ICON_COLORS[0]
    if color not in ICON_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")
    emoji = params.opt_string("icon_custom_emoji_id") or None
    topic = ForumTopic(chat.next_message_id(), name, color, emoji)
    chat.topics[topic.message_thread_id] = topic
    _service(world, chat, topic.message_thread_id, "forum_topic_created", topic.to_json())
    return topic.to_json()


async def edit_forum_topic(world: World, params: Params) -> object:
    """editForumTopic: a new name and/or icon; 400 TOPIC_NOT_MODIFIED when nothing changes."""
    chat = _forum(world, params)
    topic = _topic(chat, params)
    name = _name(params.opt_string("name")) if params.has("name") else topic.name
    emoji = topic.icon_custom_emoji_id
    if params.has("icon_custom_emoji_id"):
        emoji = params.opt_string("icon_custom_emoji_id") or None  # "" removes the icon
    if (name, emoji) == (topic.name, topic.icon_custom_emoji_id):
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.name, topic.icon_custom_emoji_id = name, emoji
    _service(world, chat, topic.message_thread_id, "forum_topic_edited", {"name": name})
    return True


async def _set_closed(world: World, params: Params, closed: bool) -> object:
    chat = _forum(world, params)
    topic = _topic(chat, params)
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    kind: MessageKind = "forum_topic_closed" if closed else "forum_topic_reopened"
    _service(world, chat, topic.message_thread_id, kind, {})
    return True


async def close_forum_topic(world: World, params: Params) -> object:
    """closeForumTopic: 400 TOPIC_NOT_MODIFIED when already closed."""
    return await _set_closed(world, params, closed=True)


async def reopen_forum_topic(world: World, params: Params) -> object:
    """reopenForumTopic: 400 TOPIC_NOT_MODIFIED when already open."""
    return await _set_closed(world, params, closed=False)


async def delete_forum_topic(world: World, params: Params) -> object:
    """deleteForumTopic: the topic and all its messages; 400 for an unknown topic."""
    chat = _forum(world, params)
    topic = _topic(chat, params)
    del chat.topics[topic.message_thread_id]
    for message in chat.messages:
        if message.message_thread_id == topic.message_thread_id and not message.deleted:
            message.deleted = True
            chat.touch(message)
    return True
