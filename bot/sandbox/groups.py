"""A supergroup, such as the operators' staff group with one forum topic per ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox import actions
from bot.sandbox.chats import ChatRecord, ForumTopic
from bot.sandbox.errors import SandboxError
from bot.sandbox.messages import MessageKind, SandboxMessage
from bot.sandbox.reading import BotMessageReader, is_bot_message
from bot.sandbox.users import SandboxUser
from bot.sandbox.world import World

__all__ = ["SandboxSupergroup"]


class SandboxSupergroup:
    """A supergroup the bot is an administrator of; members act through it.

    Made by ``Sandbox.supergroup(...)``. Members are :class:`SandboxUser` objects; each action
    sends the bot one update and returns its update_id.

    Attributes:
        chat: The group's record.
    """

    def __init__(
        self,
        world: World,
        chat_id: int,
        *,
        title: str,
        forum: bool = False,
        username: str | None = None,
    ) -> None:
        """Create the group and register it.

        Args:
            world: The sandbox state.
            chat_id: A supergroup id (negative, conventionally -100...).
            title: The group's title.
            forum: Whether the group has topics.
            username: A public username without "@", or None.
        """
        if chat_id >= 0:
            raise SandboxError(400, "a supergroup id must be negative")
        self._world = world
        self.chat = ChatRecord(
            chat_id, "supergroup", title=title, is_forum=forum, username=username
        )
        self._reader = BotMessageReader(self.chat)
        world.chats[chat_id] = self.chat

    def __repr__(self) -> str:
        """Identify the group by id."""
        return f"SandboxSupergroup(chat_id={self.chat.id})"

    @property
    def chat_id(self) -> int:
        """The group's chat id."""
        return self.chat.id

    @property
    def messages(self) -> list[SandboxMessage]:
        """All messages, service messages about topics included, in order."""
        return list(self.chat.messages)

    @property
    def bot_messages(self) -> list[SandboxMessage]:
        """The bot's messages (not its topic service messages), in order."""
        return [m for m in self.chat.messages if is_bot_message(m)]

    @property
    def topics(self) -> dict[int, ForumTopic]:
        """The forum topics by message_thread_id."""
        return dict(self.chat.topics)

    def thread_messages(self, message_thread_id: int) -> list[SandboxMessage]:
        """The messages of one forum topic, in order."""
        return [m for m in self.chat.messages if m.message_thread_id == message_thread_id]

    async def send_text(
        self,
        sender: SandboxUser,
        text: str,
        *,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Have a member write in the group, optionally in a topic or as a reply."""
        self._reader.mark()
        posted = actions.post(
            self._world,
            self.chat,
            sender,
            text=text,
            thread_id=message_thread_id,
            reply_to=reply_to_message_id,
        )
        return posted[0]

    async def send_command(
        self,
        sender: SandboxUser,
        command: str,
        payload: str | None = None,
        *,
        message_thread_id: int | None = None,
    ) -> int:
        """Have a member send a command, e.g. ``/close`` inside a ticket's topic."""
        text = command if command.startswith("/") else f"/{command}"
        text = f"{text} {payload}" if payload else text
        return await self.send_text(sender, text, message_thread_id=message_thread_id)

    async def send_photo(
        self,
        sender: SandboxUser,
        caption: str | None = None,
        *,
        message_thread_id: int | None = None,
    ) -> int:
        """Have a member send a photo, optionally with a caption and in a topic."""
        media = {"photo": self._world.files.photo().media}
        return await self._send_media(sender, "photo", media, caption, message_thread_id)

    async def send_document(
        self,
        sender: SandboxUser,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        message_thread_id: int | None = None,
    ) -> int:
        """Have a member send a document, optionally with a caption and in a topic."""
        stored = self._world.files.document(file_name, mime_type, 120_000)
        media = {"document": stored.media}
        return await self._send_media(sender, "document", media, caption, message_thread_id)

    async def send_voice(
        self,
        sender: SandboxUser,
        duration: int = 3,
        caption: str | None = None,
        *,
        message_thread_id: int | None = None,
    ) -> int:
        """Have a member send a voice note, optionally with a caption and in a topic."""
        media = {"voice": self._world.files.voice(duration).media}
        return await self._send_media(sender, "voice", media, caption, message_thread_id)

    async def _send_media(
        self,
        sender: SandboxUser,
        kind: MessageKind,
        media: dict[str, Any],
        caption: str | None,
        thread_id: int | None,
    ) -> int:
        self._reader.mark()
        posted = actions.post(
            self._world,
            self.chat,
            sender,
            kind=kind,
            text=caption or "",
            media=media,
            thread_id=thread_id,
        )
        return posted[0]

    async def edit_text(self, sender: SandboxUser, message_id: int, new_text: str) -> int:
        """Have a member edit their own text message (the bot gets an edited_message)."""
        self._reader.mark()
        return actions.edit_text(self._world, self.chat, sender, message_id, new_text)

    async def press(self, sender: SandboxUser, message_id: int, callback_data: str) -> int:
        """Have a member press an inline button (answers go to ``sender.callback_answers``)."""
        self._reader.mark()
        return actions.press(self._world, self.chat, sender, message_id, callback_data)[0]

    async def wait_for_bot_messages(self, count: int, timeout: float = 5.0) -> list[SandboxMessage]:
        """Return the bot's next ``count`` messages since a member's last action here.

        Raises:
            TimeoutError: Fewer arrived within ``timeout`` seconds.
        """
        return await self._reader.wait(count, timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds after some change in the group.

        Raises:
            TimeoutError: It did not hold within ``timeout`` seconds.
        """
        if not await self.chat.wait(predicate, timeout):
            raise TimeoutError(f"condition not met within {timeout}s")
