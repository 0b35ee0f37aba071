"""Text and captions as Telegram checks them: parse mode, emptiness, length."""

from __future__ import annotations

from dataclasses import dataclass

from bot.sandbox.entities import Entity
from bot.sandbox.errors import bad_request
from bot.sandbox.html_parse import parse_html

__all__ = [
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "FormattedText",
    "format_caption",
    "format_text",
]

MAX_TEXT_LENGTH = 4096
"""Characters in a message after entity parsing (tags do not count, as on Telegram)."""

MAX_CAPTION_LENGTH = 1024
"""Characters in a media caption after entity parsing."""

# Markdown modes are accepted but not validated: the bot renders HTML only.
_UNCHECKED_MODES = {"markdown", "markdownv2"}


@dataclass(frozen=True)
class FormattedText:
    """A text as the bot sent it and as the user sees it.

    Attributes:
        source: The text exactly as sent (with HTML tags when ``parse_mode`` is HTML).
        plain: The text the user sees, with tags removed and references decoded.
        entities: MessageEntity dicts describing the formatting of ``plain``.
        parse_mode: The parse mode as sent, or None.
    """

    source: str
    plain: str
    entities: tuple[Entity, ...] = ()
    parse_mode: str | None = None


def _parse(source: str, parse_mode: str | None, entities: object) -> FormattedText:
    mode = (parse_mode or "").lower()
    if mode == "html":
        parsed = parse_html(source)
        return FormattedText(source, parsed.text, parsed.entities, parse_mode)
    if mode and mode not in _UNCHECKED_MODES:
        raise bad_request("unsupported parse_mode")
    given: tuple[Entity, ...] = ()
    if isinstance(entities, list):
        given = tuple(e for e in entities if isinstance(e, dict))
    return FormattedText(source, source, given, parse_mode or None)


def format_text(source: str | None, parse_mode: str | None, entities: object) -> FormattedText:
    """Check a message text the way sendMessage and editMessageText do.

    Args:
        source: The ``text`` parameter.
        parse_mode: The ``parse_mode`` parameter ("HTML" is validated).
        entities: The ``entities`` parameter, used when there is no parse mode.

    Returns:
        The formatted text.

    Raises:
        SandboxError: 400 for empty text, text over 4096 characters, or bad HTML.
    """
    if not source or not source.strip():
        raise bad_request("message text is empty")
    text = _parse(source, parse_mode, entities)
    if not text.plain.strip():
        raise bad_request("message text is empty")
    if len(text.plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return text


def format_caption(source: str | None, parse_mode: str | None, entities: object) -> FormattedText:
    """Check a media caption (optional, at most 1024 characters).

    Args:
        source: The ``caption`` parameter, possibly None.
        parse_mode: The ``parse_mode`` parameter.
        entities: The ``caption_entities`` parameter.

    Returns:
        The formatted caption; empty when there is none.

    Raises:
        SandboxError: 400 for a caption over 1024 characters or bad HTML.
    """
    if not source:
        return FormattedText("", "")
    caption = _parse(source, parse_mode, entities)
    if len(caption.plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return caption
