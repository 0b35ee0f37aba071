"""One message in a sandbox chat, as the people in the chat see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.sandbox.entities import Entity

__all__ = ["MessageKind", "SandboxMessage"]

MessageKind = Literal[
    "text",
    "photo",
    "document",
    "sticker",
    "voice",
    "location",
    "contact",
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
]
"""What a message holds; the forum_topic_* kinds are service messages."""


@dataclass
class SandboxMessage:
    """A message in a chat; edits and deletions update it in place.

    Attributes:
        message_id: The id within its chat.
        from_bot: Whether the bot sent it.
        text: The text or caption exactly as sent (HTML source when ``parse_mode`` is HTML);
            empty for a sticker or a location.
        reply_markup: The markup as sent (inline keyboard or other), or None.
        deleted: Whether it has been deleted (it stays in the list, flagged).
        edited: Whether it has been edited.
        kind: What the message holds: "text", "photo", "document", ...
        parse_mode: The parse mode it was sent with, or None.
        plain_text: The text the user sees: tags removed, references decoded.
        entities: MessageEntity dicts for ``plain_text``.
        date: Unix time it was sent.
        edit_date: Unix time of the last edit, or None.
        sender_id: The user id of the sender (the bot's id for bot messages).
        message_thread_id: The forum topic it belongs to, or None.
        reply_to_message_id: The message it replies to, or None.
        media: The Telegram field(s) of its kind, e.g. ``{"photo": [...]}``.
        version: The chat's change counter when this message last changed.
        posted_at: When it was posted, on the sandbox's monotonic clock (seconds, with
            fractions), e.g. to check how the bot spaces its messages into a group.
    """

    message_id: int
    from_bot: bool
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    deleted: bool = False
    edited: bool = False
    kind: MessageKind = "text"
    parse_mode: str | None = None
    plain_text: str = ""
    entities: list[Entity] = field(default_factory=list)
    date: int = 0
    edit_date: int | None = None
    sender_id: int | None = None
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    media: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    posted_at: float = 0.0

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Return the inline keyboard's buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def to_dict(self) -> dict[str, Any]:
        """Return the message as JSON for the client HTTP API."""
        return {
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "kind": self.kind,
            "text": self.text,
            "plain_text": self.plain_text,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "deleted": self.deleted,
            "edited": self.edited,
            "date": self.date,
            "edit_date": self.edit_date,
            "sender_id": self.sender_id,
            "message_thread_id": self.message_thread_id,
            "reply_to_message_id": self.reply_to_message_id,
            "media": self.media,
            "version": self.version,
        }
