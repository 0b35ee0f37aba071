"""A chat's history, its forum topics, and a change counter that long polls wait on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.sandbox.messages import SandboxMessage
from bot.sandbox.pulse import Pulse

if TYPE_CHECKING:
    from bot.sandbox.users import SandboxUser

__all__ = ["ChatRecord", "ChatType", "ForumTopic"]

ChatType = Literal["private", "supergroup"]


@dataclass
class ForumTopic:
    """A topic of a forum supergroup.

    Attributes:
        message_thread_id: The topic's id: that of the service message that created it.
        name: The topic's name.
        icon_color: The RGB color of the topic icon.
        icon_custom_emoji_id: A custom emoji shown as the icon, or None.
        closed: Whether the topic is closed.
    """

    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False

    def to_json(self) -> dict[str, object]:
        """Return the topic as a Bot API ForumTopic."""
        topic: dict[str, object] = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


class ChatRecord:
    """Everything the sandbox knows about one chat.

    Every change (a new message, an edit, a deletion, a callback answer) increments
    ``version`` and wakes the waiters, so a reader holding an old version sees edits and
    deletions as well as new messages.
    """

    def __init__(
        self,
        chat_id: int,
        chat_type: ChatType,
        *,
        owner: SandboxUser | None = None,
        title: str | None = None,
        is_forum: bool = False,
        username: str | None = None,
    ) -> None:
        """Create an empty chat.

        Args:
            chat_id: The chat id (a private chat's id is its user's id).
            chat_type: "private" or "supergroup".
            owner: The user of a private chat.
            title: A group's title.
            is_forum: Whether a supergroup has topics.
            username: A public group's username, without "@".
        """
        self.id = chat_id
        self.type: ChatType = chat_type
        self.owner = owner
        self.title = title
        self.is_forum = is_forum
        self.username = username
        self.messages: list[SandboxMessage] = []
        self.topics: dict[int, ForumTopic] = {}
        self.version = 0
        self.pulse = Pulse()
        self._by_id: dict[int, SandboxMessage] = {}
        self._last_id = 0

    def next_message_id(self) -> int:
        """Reserve the next message id of this chat."""
        self._last_id += 1
        return self._last_id

    def bump(self) -> int:
        """Record a change and wake the waiters; return the new version."""
        self.version += 1
        self.pulse.notify()
        return self.version

    def append(self, message: SandboxMessage) -> SandboxMessage:
        """Add a message (its id from :meth:`next_message_id`) and return it."""
        self._by_id[message.message_id] = message
        self.messages.append(message)
        message.version = self.bump()
        return message

    def touch(self, message: SandboxMessage) -> None:
        """Record that a message was edited or deleted."""
        message.version = self.bump()

    def find(self, message_id: int) -> SandboxMessage | None:
        """Return the message with this id, deleted or not, or None."""
        return self._by_id.get(message_id)

    def live(self, message_id: int) -> SandboxMessage | None:
        """Return the message with this id unless it does not exist or was deleted."""
        message = self._by_id.get(message_id)
        return None if message is None or message.deleted else message

    def live_messages(self) -> list[SandboxMessage]:
        """Return the messages still in the chat (not deleted), in order."""
        return [m for m in self.messages if not m.deleted]

    def changed_since(self, version: int) -> list[SandboxMessage]:
        """Return the messages that were added, edited or deleted after ``version``."""
        return [m for m in self.messages if m.version > version]

    async def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds after some change, or until ``timeout``."""
        return await self.pulse.wait_until(predicate, timeout)
