"""What kind of message a Telegram message is, in one word, for the console's case page.

The case page says "a photo" or "a voice message" where the staff group shows the media
itself: Haven never keeps the media, only the kind and a caption (sealed).
"""

from __future__ import annotations

from typing import Final

from telegram import Message

__all__ = ["KINDS", "kind_of"]

#: The kinds, in the order they are looked for; ``text`` and ``other`` besides.
KINDS: Final = (
    "photo",
    "video",
    "animation",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
)


def kind_of(message: Message) -> str:
    """``text`` for a text message, the media's kind (:data:`KINDS`), else ``other``."""
    if message.text is not None:
        return "text"
    for kind in KINDS:
        if getattr(message, kind):
            return kind
    return "other"
