"""Bot API objects as JSON, in the shapes PTB parses (User, Chat, ChatFullInfo, Message, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.sandbox.chats import ChatRecord
from bot.sandbox.markup import inline_keyboard_of
from bot.sandbox.messages import SandboxMessage

if TYPE_CHECKING:
    from bot.sandbox.users import SandboxUser

__all__ = [
    "BotProfile",
    "bot_user_json",
    "chat_json",
    "chat_member_updated_json",
    "full_chat_json",
    "get_me_json",
    "inaccessible_message_json",
    "message_json",
    "user_json",
]

JSON = dict[str, Any]

# Kinds whose content lives in ``SandboxMessage.media`` and whose text is a caption.
_CAPTIONED = frozenset({"photo", "document", "voice"})


@dataclass(frozen=True)
class BotProfile:
    """Who the sandbox's bot is.

    Attributes:
        id: The bot's user id (the number before the colon in its token).
        first_name: The bot's display name.
        username: The bot's username, without "@".
    """

    id: int
    first_name: str
    username: str


def bot_user_json(bot: BotProfile) -> JSON:
    """Return the bot as a User, as it appears in ``from`` of its messages."""
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def get_me_json(bot: BotProfile) -> JSON:
    """Return the bot as getMe describes it."""
    return bot_user_json(bot) | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user_json(user: SandboxUser) -> JSON:
    """Return a person as a User."""
    data: JSON = {"id": user.user_id, "is_bot": False, "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    if user.language_code:
        data["language_code"] = user.language_code
    return data


def chat_json(chat: ChatRecord) -> JSON:
    """Return a chat as a Chat."""
    data: JSON = {"id": chat.id, "type": chat.type}
    if chat.owner is not None:
        data["first_name"] = chat.owner.first_name
        if chat.owner.last_name:
            data["last_name"] = chat.owner.last_name
        if chat.owner.username:
            data["username"] = chat.owner.username
    if chat.title is not None:
        data["title"] = chat.title
    if chat.username:
        data["username"] = chat.username
    if chat.is_forum:
        data["is_forum"] = True
    return data


def full_chat_json(chat: ChatRecord) -> JSON:
    """Return a chat as getChat's ChatFullInfo (with the fields PTB requires)."""
    return chat_json(chat) | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def message_json(
    chat: ChatRecord,
    message: SandboxMessage,
    sender: JSON,
    reply_to: JSON | None = None,
) -> JSON:
    """Return a message as a Message.

    Args:
        chat: The chat it is in.
        message: The message.
        sender: Its ``from`` User.
        reply_to: The Message it replies to, if any (Telegram nests one level only).

    Returns:
        The Message as JSON.
    """
    data: JSON = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat_json(chat),
        "from": sender,
    }
    if chat.is_forum and message.message_thread_id is not None:
        data["message_thread_id"] = message.message_thread_id
        data["is_topic_message"] = True
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    if message.kind == "text":
        data["text"] = message.plain_text
        if message.entities:
            data["entities"] = list(message.entities)
    else:
        data.update(message.media)
        if message.kind in _CAPTIONED and message.plain_text:
            data["caption"] = message.plain_text
            if message.entities:
                data["caption_entities"] = list(message.entities)
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    keyboard = inline_keyboard_of(message.reply_markup)
    if keyboard is not None:
        data["reply_markup"] = keyboard
    return data


def inaccessible_message_json(chat: ChatRecord, message_id: int) -> JSON:
    """Return a deleted message as an InaccessibleMessage (``date`` 0 marks it)."""
    return {"chat": chat_json(chat), "message_id": message_id, "date": 0}


def chat_member_updated_json(
    chat: ChatRecord,
    actor: JSON,
    bot: BotProfile,
    *,
    old_status: str,
    new_status: str,
    date: int,
) -> JSON:
    """Return the bot's membership change in a chat (my_chat_member), e.g. on a block."""

    def member(status: str) -> JSON:
        data: JSON = {"status": status, "user": bot_user_json(bot)}
        if status == "kicked":
            data["until_date"] = 0
        return data

    return {
        "chat": chat_json(chat),
        "from": actor,
        "date": date,
        "old_chat_member": member(old_status),
        "new_chat_member": member(new_status),
    }
