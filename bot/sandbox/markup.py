"""Reply markup as Telegram checks it, above all inline keyboards and their callback data."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.errors import bad_request

__all__ = ["MAX_CALLBACK_DATA_BYTES", "inline_keyboard_of", "validate_reply_markup"]

MAX_CALLBACK_DATA_BYTES = 64
"""callback_data is 1-64 bytes of UTF-8: ids, never whole texts."""

# Any one of these makes a button do something; a button with none is refused.
_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = {"http", "https", "tg"}


def _check_button(button: object) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not text.strip():
        # Wording is the sandbox's: a button without a label is a missing translation.
        raise bad_request("BUTTON_TEXT_INVALID")
    if not any(action in button for action in _ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in _URL_SCHEMES or not (parts.netloc or parts.path):
            raise bad_request("BUTTON_URL_INVALID")


def validate_reply_markup(markup: object) -> dict[str, Any] | None:
    """Check a ``reply_markup`` parameter.

    Inline keyboards are checked button by button; reply keyboards, ``remove_keyboard`` and
    ``force_reply`` are accepted as they are.

    Args:
        markup: The decoded parameter, or None when absent.

    Returns:
        The markup, or None.

    Raises:
        SandboxError: 400 with Telegram's wording, e.g. ``"Bad Request: BUTTON_DATA_INVALID"``.
    """
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_button(button)
    return markup


def inline_keyboard_of(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return the markup if it is an inline keyboard, else None.

    Telegram shows only inline keyboards in a Message's ``reply_markup``; a reply keyboard
    belongs to the chat's input field, not to the message.
    """
    if markup is not None and "inline_keyboard" in markup:
        return markup
    return None
