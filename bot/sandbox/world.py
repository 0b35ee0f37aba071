"""The sandbox's Telegram: chats, people, pending updates, the webhook, and the bot's settings.

The Bot API methods, the users' actions and the client HTTP API all read and change this one
object. Everything runs on one event loop, so plain attribute updates need no locks.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.sandbox.chats import ChatRecord
from bot.sandbox.commands import CommandBook
from bot.sandbox.errors import bad_request, forbidden
from bot.sandbox.files import FileStore
from bot.sandbox.flood import FloodControl
from bot.sandbox.messages import SandboxMessage
from bot.sandbox.objects import BotProfile, bot_user_json, message_json, user_json
from bot.sandbox.updates import UpdateQueue
from bot.sandbox.webhook import RetryPolicy, WebhookDelivery

if TYPE_CHECKING:
    from bot.sandbox.users import SandboxUser

__all__ = ["PendingQuery", "World"]


@dataclass
class PendingQuery:
    """A callback query the bot has been sent and may answer once.

    Attributes:
        id: The callback query id.
        user_id: Who pressed the button.
        chat_id: The chat of the message with the button.
        message_id: The message with the button.
        data: The button's callback_data.
        answered: Whether answerCallbackQuery was called for it.
    """

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False


@dataclass(eq=False, repr=False)
class World:
    """All state of the emulated Telegram.

    Attributes:
        token: The one token the Bot API accepts.
        bot: The bot's identity.
        clock: Unix time in seconds (injectable for tests).
        policy: Webhook retry limits.
        monotonic: A monotonic clock in seconds, for flood control and ``posted_at``.
        flood: The bot's message counts per group, and the refusals.
    """

    token: str
    bot: BotProfile
    clock: Callable[[], float]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    monotonic: Callable[[], float] = time.monotonic
    chats: dict[int, ChatRecord] = field(default_factory=dict)
    users: dict[int, SandboxUser] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    history: list[dict[str, Any]] = field(default_factory=list)
    files: FileStore = field(default_factory=FileStore)
    commands: CommandBook = field(default_factory=CommandBook)
    queries: dict[str, PendingQuery] = field(default_factory=dict)
    webhook: WebhookDelivery | None = None
    closed: bool = False
    _update_ids: itertools.count[int] = field(
        init=False, default_factory=lambda: itertools.count(1)
    )
    _query_ids: itertools.count[int] = field(init=False, default_factory=lambda: itertools.count(1))
    flood: FloodControl = field(init=False)

    def __post_init__(self) -> None:
        """Start flood control off, on this world's monotonic clock."""
        self.flood = FloodControl(self.monotonic)

    def now(self) -> int:
        """Return the current Unix time, as Telegram's integer dates."""
        return int(self.clock())

    def chat(self, chat_id: int | str) -> ChatRecord:
        """Return a chat by id or @username.

        Raises:
            SandboxError: 400 "Bad Request: chat not found".
        """
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                usernames = {chat.username, chat.owner.username if chat.owner else None}
                if name in {u.lower() for u in usernames if u}:
                    return chat
            raise bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def writable_chat(self, chat_id: int | str) -> ChatRecord:
        """Return a chat the bot may write to.

        Raises:
            SandboxError: 400 for an unknown chat, 403 when the user blocked the bot.
        """
        chat = self.chat(chat_id)
        if chat.type == "private" and chat.id in self.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def thread_of(self, chat: ChatRecord, thread_id: int | None) -> int | None:
        """Check a message_thread_id for a chat; return it, or None outside forums.

        Raises:
            SandboxError: 400 "Bad Request: message thread not found".
        """
        if thread_id is None or not chat.is_forum:
            return None
        if thread_id not in chat.topics:
            raise bad_request("message thread not found")
        return thread_id

    def sender_json(self, message: SandboxMessage) -> dict[str, Any]:
        """Return the ``from`` User of a message."""
        if message.from_bot:
            return bot_user_json(self.bot)
        user = self.users.get(message.sender_id or 0)
        if user is None:
            return {"id": message.sender_id or 0, "is_bot": False, "first_name": "Deleted"}
        return user_json(user)

    def message_json(self, chat: ChatRecord, message: SandboxMessage) -> dict[str, Any]:
        """Return a message of a chat as a Bot API Message, with what it replies to."""
        reply_to = None
        if message.reply_to_message_id is not None:
            target = chat.live(message.reply_to_message_id)
            if target is not None:
                reply_to = message_json(chat, target, self.sender_json(target))
        return message_json(chat, message, self.sender_json(message), reply_to)

    def emit(self, kind: str, payload: dict[str, Any]) -> int:
        """Create an update and queue it if the bot accepts updates of its type.

        Args:
            kind: The update field, e.g. "message" or "callback_query".
            payload: The object for that field.

        Returns:
            The new update_id.
        """
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        self.history.append(update)
        if self.updates.allows(kind):
            self.updates.put(update)
        return update_id

    def next_query_id(self, user_id: int) -> str:
        """Return a fresh callback query id (a long decimal string, like Telegram's)."""
        return f"{user_id % 10**9}{next(self._query_ids):010d}"

    def post_bot_message(self, chat: ChatRecord, message: SandboxMessage) -> SandboxMessage:
        """Add a message the bot sent; it produces no update (bots don't see their own)."""
        message.from_bot = True
        message.sender_id = self.bot.id
        message.date = self.now()
        message.posted_at = self.monotonic()
        return chat.append(message)

    async def set_webhook(self, delivery: WebhookDelivery | None) -> None:
        """Replace the webhook (None removes it) and start delivering to the new one."""
        if self.webhook is not None:
            await self.webhook.stop()
        self.webhook = delivery
        if delivery is not None:
            delivery.start()
        self.updates.pulse.notify()  # a waiting getUpdates must now answer 409

    async def close(self) -> None:
        """Stop the webhook and release every long poll (server shutdown)."""
        self.closed = True
        if self.webhook is not None:
            await self.webhook.stop()
        self.updates.close()
        for chat in self.chats.values():
            chat.pulse.notify()

    def reopen(self) -> None:
        """Undo :meth:`close` before serving again; a set webhook resumes delivery."""
        self.closed = False
        self.updates.reopen()
        if self.webhook is not None:
            self.webhook.start()
