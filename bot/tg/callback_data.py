"""Callback data: what an inline button sends back, in at most 64 bytes, and parsing it safely.

Buttons carry short ids, never texts: ``c:<turn>:<key>`` answers the question offered at
``turn`` with the option ``key``; ``n:<turn>:<action>`` is global navigation under that question;
``l:<language>`` picks a language. Anything else is forged or from an older release: parsing
returns None and the adapter answers as for a stale button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine import NAVIGATION, Navigation

__all__ = ["MAX_BYTES", "Answer", "LanguagePick", "NavigationPress", "Press", "encode", "parse"]

#: Telegram's limit for callback_data.
MAX_BYTES = 64

_ACTION_CODES: dict[Navigation, str] = {"back": "b", "restart": "r", "human": "h", "language": "l"}
_ACTIONS = {code: action for action, code in _ACTION_CODES.items()}
_PATTERN = re.compile(
    r"(?:([cn]):([0-9]{1,9}):([a-z][a-z0-9_]{0,31}))|(?:l:([a-z]{2,3}(?:_[A-Z]{2})?))"
)
assert set(_ACTION_CODES) == set(NAVIGATION)


@dataclass(frozen=True, slots=True)
class Answer:
    """A choice (or a quick answer such as Yes) pressed under the question of ``turn``."""

    turn: int
    key: str


@dataclass(frozen=True, slots=True)
class NavigationPress:
    """A navigation button under the question of ``turn``."""

    turn: int
    action: Navigation


@dataclass(frozen=True, slots=True)
class LanguagePick:
    """A button of the language picker."""

    language: str


Press = Answer | NavigationPress | LanguagePick


def encode(press: Press) -> str:
    """The callback data for ``press``; raises ValueError if it would not fit Telegram's limit."""
    match press:
        case Answer(turn=turn, key=key):
            data = f"c:{turn}:{key}"
        case NavigationPress(turn=turn, action=action):
            data = f"n:{turn}:{_ACTION_CODES[action]}"
        case LanguagePick(language=language):
            data = f"l:{language}"
    if len(data.encode()) > MAX_BYTES or parse(data) != press:
        raise ValueError(f"cannot encode {press!r} as callback data")
    return data


def parse(data: str | None) -> Press | None:
    """The press that ``data`` encodes, or None for anything malformed or unknown."""
    if data is None or len(data) > MAX_BYTES:
        return None
    match = _PATTERN.fullmatch(data)
    if match is None:
        return None
    kind, turn, key, language = match.groups()
    if language is not None:
        return LanguagePick(language)
    if kind == "c":
        return Answer(int(turn), key)
    action = _ACTIONS.get(key)
    return NavigationPress(int(turn), action) if action else None
