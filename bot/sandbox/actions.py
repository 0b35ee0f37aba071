"""What people do in a chat (write, edit, press a button), turned into updates for the bot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.sandbox.chats import ChatRecord
from bot.sandbox.entities import command_entities
from bot.sandbox.errors import SandboxError
from bot.sandbox.messages import MessageKind, SandboxMessage
from bot.sandbox.objects import inaccessible_message_json, user_json
from bot.sandbox.world import PendingQuery, World

if TYPE_CHECKING:
    from bot.sandbox.users import SandboxUser

__all__ = ["edit_text", "post", "press"]


def post(
    world: World,
    chat: ChatRecord,
    sender: SandboxUser,
    *,
    kind: MessageKind = "text",
    text: str = "",
    media: dict[str, Any] | None = None,
    thread_id: int | None = None,
    reply_to: int | None = None,
) -> tuple[int, SandboxMessage]:
    """Add a person's message to a chat and send the bot a ``message`` update.

    Args:
        world: The sandbox state.
        chat: Where the message is written.
        sender: Who writes it.
        kind: What it holds.
        text: The text, or a caption for media.
        media: The Telegram field(s) of its kind, e.g. ``{"location": {...}}``.
        thread_id: The forum topic, in a forum supergroup.
        reply_to: The message it replies to.

    Returns:
        The update_id and the new message.

    Raises:
        SandboxError: 400 for an unknown topic or a reply to a missing message.
    """
    thread = world.thread_of(chat, thread_id)
    if reply_to is not None and chat.find(reply_to) is None:
        raise SandboxError(400, "Bad Request: message to be replied not found")
    if thread is not None and reply_to is None:
        # In a topic, Telegram makes a message without a reply a reply to the topic's start.
        reply_to = thread
    message = SandboxMessage(
        message_id=chat.next_message_id(),
        from_bot=False,
        text=text,
        kind=kind,
        plain_text=text,
        entities=command_entities(text) if kind == "text" else [],
        date=world.now(),
        sender_id=sender.user_id,
        message_thread_id=thread,
        reply_to_message_id=reply_to,
        media=media or {},
        posted_at=world.monotonic(),
    )
    chat.append(message)
    return world.emit("message", world.message_json(chat, message)), message


def edit_text(
    world: World, chat: ChatRecord, sender: SandboxUser, message_id: int, text: str
) -> int:
    """Edit a person's own text message and send the bot an ``edited_message`` update.

    Raises:
        SandboxError: When the message is not the sender's own live text message.
    """
    message = chat.live(message_id)
    if message is None or message.from_bot or message.sender_id != sender.user_id:
        raise SandboxError(400, f"no own message {message_id} to edit in this chat")
    if message.kind == "text":
        message.entities = command_entities(text)
    message.text = message.plain_text = text
    message.edited = True
    message.edit_date = world.now()
    chat.touch(message)
    return world.emit("edited_message", world.message_json(chat, message))


def press(
    world: World, chat: ChatRecord, sender: SandboxUser, message_id: int, data: str
) -> tuple[int, str]:
    """Press an inline button and send the bot a ``callback_query`` update.

    The data is not checked against the message's keyboard, so tests can press buttons of
    old messages and forge data, as a modified client could.

    Returns:
        The update_id and the new callback query id.

    Raises:
        SandboxError: When the chat has no message with that id.
    """
    message = chat.find(message_id)
    if message is None:
        raise SandboxError(400, f"no message {message_id} in this chat")
    query = PendingQuery(
        world.next_query_id(sender.user_id), sender.user_id, chat.id, message_id, data
    )
    world.queries[query.id] = query
    shown = (
        inaccessible_message_json(chat, message_id)
        if message.deleted
        else world.message_json(chat, message)
    )
    payload = {
        "id": query.id,
        "from": user_json(sender),
        "message": shown,
        # Stable per chat, as Telegram's is; the bot may use it to group games' scores.
        "chat_instance": str(abs(chat.id) * 7919 + world.bot.id),
        "data": data,
    }
    return world.emit("callback_query", payload), query.id
