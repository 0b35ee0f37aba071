"""Waiting for the bot's answers in a chat, each handed out once."""

from __future__ import annotations

from bot.sandbox.chats import ChatRecord
from bot.sandbox.messages import SandboxMessage

__all__ = ["BotMessageReader", "is_bot_message"]


def is_bot_message(message: SandboxMessage) -> bool:
    """Return whether the bot wrote this message (service messages about topics excluded)."""
    return message.from_bot and not message.kind.startswith("forum_topic_")


class BotMessageReader:
    """A cursor over a chat that moves to the end on each action and past what it returned.

    So ``send_text(...)`` then ``wait_for_bot_messages(1)`` twice returns the bot's first and
    then its second answer, and the next action starts afresh.
    """

    def __init__(self, chat: ChatRecord) -> None:
        """Read the bot's messages in ``chat`` from its beginning."""
        self._chat = chat
        self._cursor = 0

    def mark(self) -> None:
        """Start counting from now: called on each action of the reader's side."""
        self._cursor = len(self._chat.messages)

    def _fresh(self) -> list[tuple[int, SandboxMessage]]:
        messages = self._chat.messages
        return [
            (index, message)
            for index, message in enumerate(messages[self._cursor :], self._cursor)
            if is_bot_message(message)
        ]

    async def wait(self, count: int, timeout: float) -> list[SandboxMessage]:
        """Return the next ``count`` bot messages, waiting up to ``timeout`` seconds.

        Raises:
            TimeoutError: Fewer than ``count`` arrived in time (the message says how many).
        """
        if not await self._chat.wait(lambda: len(self._fresh()) >= count, timeout):
            got = len(self._fresh())
            raise TimeoutError(f"expected {count} new bot message(s) within {timeout}s, got {got}")
        taken = self._fresh()[:count]
        if taken:
            self._cursor = taken[-1][0] + 1
        return [message for _, message in taken]
