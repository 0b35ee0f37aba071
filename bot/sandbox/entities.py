"""Message entities as Telegram counts them: offsets and lengths in UTF-16 code units."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Entity", "command_entities", "utf16_len"]

Entity = dict[str, Any]
"""A MessageEntity as JSON: ``{"type", "offset", "length", ...}``."""

# A command is a slash and a word at the start of the text or after whitespace, optionally
# addressed to a bot ("/start@haven_bot"), which is what Telegram clients mark as bot_command.
_COMMAND = re.compile(r"(?:(?<=\s)|^)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[Entity]:
    """Return the ``bot_command`` entities a Telegram client would attach to ``text``.

    Args:
        text: What the user typed.

    Returns:
        One entity per command, in order.
    """
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in _COMMAND.finditer(text)
    ]
