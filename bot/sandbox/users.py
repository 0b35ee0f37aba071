"""A person in the sandbox and their private chat with the bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox import actions
from bot.sandbox.chats import ChatRecord
from bot.sandbox.errors import SandboxError
from bot.sandbox.messages import MessageKind, SandboxMessage
from bot.sandbox.objects import chat_member_updated_json, user_json
from bot.sandbox.reading import BotMessageReader, is_bot_message
from bot.sandbox.world import World

__all__ = ["SandboxUser"]


class SandboxUser:
    """A Telegram user who talks to the bot in a private chat (chat id == user id).

    Every action sends the bot one update and returns its update_id. Made by
    ``Sandbox.user(...)``; the same object also acts in groups (``SandboxSupergroup``).

    Attributes:
        user_id: The user's id, also the id of the private chat.
        first_name: The user's first name.
        last_name: The user's last name, or None.
        username: The user's username without "@", or None.
        language_code: The IETF language tag Telegram reports (changeable between actions).
        chat: The private chat's record.
    """

    def __init__(
        self,
        world: World,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        """Create the user and their private chat, and register both.

        Args:
            world: The sandbox state.
            user_id: A positive user id.
            first_name: The first name.
            last_name: The last name.
            username: The username without "@".
            language_code: e.g. "ru"; None for a client that reports none.
        """
        if user_id <= 0:
            raise SandboxError(400, "a user id must be positive")
        self._world = world
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat = ChatRecord(user_id, "private", owner=self)
        self._answers: list[dict[str, Any]] = []
        self._reader = BotMessageReader(self.chat)
        world.users[user_id] = self
        world.chats[user_id] = self.chat

    def __repr__(self) -> str:
        """Identify the user by id only: names are personal data."""
        return f"SandboxUser(user_id={self.user_id})"

    @property
    def chat_id(self) -> int:
        """The private chat's id (equal to the user id)."""
        return self.user_id

    @property
    def messages(self) -> list[SandboxMessage]:
        """The whole private chat, both sides, in order (deleted messages flagged)."""
        return list(self.chat.messages)

    @property
    def visible_messages(self) -> list[SandboxMessage]:
        """What the chat still shows, both sides, in order: the messages not deleted."""
        return self.chat.live_messages()

    @property
    def bot_messages(self) -> list[SandboxMessage]:
        """The bot's messages in the private chat, in order."""
        return [m for m in self.chat.messages if is_bot_message(m)]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls for this user's presses, in order.

        Each is ``{"callback_query_id", "text", "show_alert", "url", "cache_time",
        "chat_id", "message_id", "version"}``.
        """
        return list(self._answers)

    @property
    def blocked(self) -> bool:
        """Whether the user has blocked the bot."""
        return self.user_id in self._world.blocked

    def record_answer(self, answer: dict[str, Any], chat: ChatRecord) -> None:
        """Store an answer to one of this user's presses (called by answerCallbackQuery)."""
        self._answers.append(answer | {"version": chat.bump()})

    def _act(self) -> None:
        self._reader.mark()

    async def send_text(self, text: str) -> int:
        """Write a text message (a leading "/word" is marked as a bot_command, as clients do)."""
        self._act()
        return actions.post(self._world, self.chat, self, text=text)[0]

    async def send_command(self, command: str, payload: str | None = None) -> int:
        """Send a command, e.g. ``send_command("/start", "eu")`` for a deep link."""
        text = command if command.startswith("/") else f"/{command}"
        return await self.send_text(f"{text} {payload}" if payload else text)

    async def press(self, message_id: int, callback_data: str) -> int:
        """Press an inline button of a message (the data is not checked: forging is allowed)."""
        self._act()
        return actions.press(self._world, self.chat, self, message_id, callback_data)[0]

    async def edit_text(self, message_id: int, new_text: str) -> int:
        """Edit one of the user's own text messages (the bot gets an edited_message)."""
        self._act()
        return actions.edit_text(self._world, self.chat, self, message_id, new_text)

    async def send_sticker(self, emoji: str = "👍") -> int:
        """Send a sticker."""
        media = {"sticker": self._world.files.sticker(emoji).media}
        return await self._send_media("sticker", media)

    async def send_voice(self, duration: int = 3) -> int:
        """Send a voice note."""
        return await self._send_media("voice", {"voice": self._world.files.voice(duration).media})

    async def send_photo(self, caption: str | None = None) -> int:
        """Send a photo, optionally with a caption."""
        return await self._send_media("photo", {"photo": self._world.files.photo().media}, caption)

    async def send_document(
        self,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> int:
        """Send a document."""
        stored = self._world.files.document(file_name, mime_type, 120_000)
        return await self._send_media("document", {"document": stored.media}, caption)

    async def send_location(self, latitude: float, longitude: float) -> int:
        """Share a location."""
        media = {"location": {"latitude": latitude, "longitude": longitude}}
        return await self._send_media("location", media)

    async def send_contact(self, phone_number: str, first_name: str) -> int:
        """Share a contact."""
        media = {"contact": {"phone_number": phone_number, "first_name": first_name}}
        return await self._send_media("contact", media)

    async def _send_media(
        self, kind: MessageKind, media: dict[str, Any], caption: str | None = None
    ) -> int:
        self._act()
        posted = actions.post(
            self._world, self.chat, self, kind=kind, text=caption or "", media=media
        )
        return posted[0]

    async def wait_for_bot_messages(self, count: int, timeout: float = 5.0) -> list[SandboxMessage]:
        """Return the bot's next ``count`` messages since the user's last action.

        Successive calls continue where the previous one stopped; the next action starts
        afresh. Messages are live objects: later edits and deletions show on them.

        Raises:
            TimeoutError: Fewer arrived within ``timeout`` seconds.
        """
        return await self._reader.wait(count, timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds after some change in the chat.

        Use it for what is not a new message, e.g. a keyboard removed by an edit or a
        callback answer: ``await user.wait_until(lambda: user.callback_answers)``.

        Raises:
            TimeoutError: It did not hold within ``timeout`` seconds.
        """
        if not await self.chat.wait(predicate, timeout):
            raise TimeoutError(f"condition not met within {timeout}s")

    def block(self) -> int:
        """Block the bot: sends to this user fail with 403 until :meth:`unblock`.

        The user's own actions are still delivered (Telegram would make them unblock first),
        so a test can provoke the 403 on the bot's reply. Returns the my_chat_member update id.
        """
        self._world.blocked.add(self.user_id)
        return self._membership("member", "kicked")

    def unblock(self) -> int:
        """Unblock the bot (Telegram's "Restart"). Returns the my_chat_member update id."""
        self._world.blocked.discard(self.user_id)
        return self._membership("kicked", "member")

    def _membership(self, old: str, new: str) -> int:
        change = chat_member_updated_json(
            self.chat,
            user_json(self),
            self._world.bot,
            old_status=old,
            new_status=new,
            date=self._world.now(),
        )
        return self._world.emit("my_chat_member", change)
