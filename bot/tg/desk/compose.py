"""Bot API parameters of the desk's messages, built from plain text: pure, no calls.

Everything the desk queues in the outbox is HTML-escaped here, so an alias, a close reason or a
person's username cannot inject markup into the staff group or a person's chat.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from bot.tg.rendering import MAX_TEXT, split_text

__all__ = ["MAX_CAPTION", "keyboard", "signed_caption", "signed_texts", "text_message"]

#: Telegram's limit on a caption, in characters after entity parsing.
MAX_CAPTION = 1024


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> dict[str, Any]:
    """An inline keyboard of ``(label, callback_data)`` buttons, as the Bot API takes it."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


def text_message(
    text: str, *, bold_first_line: bool = False, markup: dict[str, Any] | None = None
) -> dict[str, Any]:
    """sendMessage parameters for plain ``text`` (escaped), without link previews."""
    escaped = html.escape(text, quote=False)
    if bold_first_line:
        head, _, rest = escaped.partition("\n")
        escaped = f"<b>{head}</b>\n{rest}" if rest else f"<b>{head}</b>"
    payload: dict[str, Any] = {
        "text": escaped,
        "parse_mode": "HTML",
        # No preview cards: they reveal on a phone what was read, and fetch third-party pages.
        "link_preview_options": {"is_disabled": True},
    }
    if markup is not None:
        payload["reply_markup"] = markup
    return payload


def signed_texts(alias: str, text: str) -> list[dict[str, Any]]:
    """An operator's text for the person, signed with the alias, split to Telegram's limit."""
    signature = f"{alias}:"
    chunks = split_text(text, MAX_TEXT - len(signature) - 1)
    return [text_message(f"{signature}\n{chunk}", bold_first_line=True) for chunk in chunks]


def signed_caption(alias: str, caption: str | None) -> str:
    """The caption of an operator's photo or file for the person, signed with the alias (HTML)."""
    signature = f"<b>{html.escape(alias, quote=False)}:</b>"
    if not caption:
        return signature
    room = MAX_CAPTION - len(alias) - 2
    cut = caption if len(caption) <= room else caption[: room - 1] + "…"
    return f"{signature}\n{html.escape(cut, quote=False)}"
