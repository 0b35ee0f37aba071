"""Typed access to Bot API parameters, whichever way they were encoded.

A form carries every value as a string, with lists and objects JSON-encoded; a JSON body
carries them natively. :func:`normalize` turns both into the same natural values (so
``Sandbox.calls`` reads the same either way), and :class:`Params` hands them to the methods
with Telegram's errors for missing or malformed ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.sandbox.errors import bad_request
from bot.sandbox.forms import Upload

__all__ = ["Params", "normalize"]

_INTEGERS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "icon_color",
        "cache_time",
        "max_connections",
        "user_id",
    }
)
_BOOLEANS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_STRUCTURES = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "message_ids",
    }
)


def _natural(name: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    if name in _INTEGERS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername" is a valid chat_id
    if name in _BOOLEANS:
        return value.strip().lower() in {"true", "1"}
    if name in _STRUCTURES:
        try:
            return json.loads(value)
        except ValueError:
            return value  # left for the method to refuse with its own wording
    return value


def normalize(values: Mapping[str, object]) -> dict[str, object]:
    """Decode the strings of a form into integers, booleans, lists and objects.

    Args:
        values: Raw parameters from :func:`bot.sandbox.forms.read_values`.

    Returns:
        The same parameters with natural values; unknown fields stay as they are.
    """
    return {name: _natural(name, value) for name, value in values.items()}


class Params:
    """A method's parameters with typed getters that raise Telegram's 400s."""

    def __init__(self, values: Mapping[str, object]) -> None:
        """Wrap normalized parameters.

        Args:
            values: Parameters as returned by :func:`normalize`.
        """
        self._values = dict(values)

    def recorded(self) -> dict[str, object]:
        """Return the parameters for ``Sandbox.calls``, uploads replaced by a short summary."""
        return {
            name: {"upload": value.filename, "size": len(value.data)}
            if isinstance(value, Upload)
            else value
            for name, value in self._values.items()
        }

    def has(self, name: str) -> bool:
        """Return whether the parameter was sent."""
        return name in self._values

    def raw(self, name: str) -> object:
        """Return the parameter as decoded, or None."""
        return self._values.get(name)

    def opt_string(self, name: str) -> str | None:
        """Return a string parameter, or None when absent."""
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, bool | int | float):
            return str(value)
        if not isinstance(value, str):
            raise bad_request(f'field "{name}" must be of type String')
        return value

    def string(self, name: str) -> str:
        """Return a required string parameter (400 ``"<name> is empty"`` when absent)."""
        value = self.opt_string(name)
        if not value:
            raise bad_request(f"{name} is empty")
        return value

    def opt_integer(self, name: str) -> int | None:
        """Return an integer parameter, or None when absent."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"invalid {name} specified")
        return value

    def integer(self, name: str) -> int:
        """Return a required integer parameter (400 ``"<name> is empty"`` when absent)."""
        value = self.opt_integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        """Return a chat identifier: an integer or an ``@username``."""
        value = self._values.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("@"):
            return value
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        raise bad_request("chat not found")

    def flag(self, name: str) -> bool:
        """Return a boolean parameter, False when absent."""
        return self._values.get(name) is True

    def structure(self, name: str) -> Any:
        """Return a JSON parameter (list or object), or None when absent.

        Raises:
            SandboxError: 400 when the value is a string that is not JSON.
        """
        value = self._values.get(name)
        if isinstance(value, str):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def upload(self, name: str) -> Upload | str | None:
        """Return a file parameter: an upload, a file_id or URL string, or None.

        PTB uploads a single file as the field itself, and files inside lists as
        ``attach://<part>``; both are resolved here.
        """
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._values.get(value.removeprefix("attach://"))
        if value is None or isinstance(value, Upload | str):
            return value
        raise bad_request(f"wrong type of the {name} field")
