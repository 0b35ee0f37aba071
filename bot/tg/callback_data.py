"""Callback data: what an inline button sends back, in at most 64 bytes, and parsing it safely.

Buttons carry short ids, never texts: ``c:<turn>:<key>`` answers the question offered at
``turn`` with the option ``key``; ``n:<turn>:<action>`` is global navigation under that question;
``l:<language>`` picks a language. The hand-off's buttons name a case: ``t:<action>:<case>`` is
the person's (cancel the request, show the username) and ``s:<action>:<case>`` the staff's
(claim, close). ``hide`` is the quick exit ("Hide this chat") under every menu: it names no turn, so
it works from any old menu too; ``f:erase`` and ``f:keep`` answer /forget's question. Anything
else is forged or from an older release: parsing returns None and the adapter answers as for a
stale button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from bot.engine import NAVIGATION, Navigation

__all__ = [
    "MAX_BYTES",
    "Answer",
    "ForgetPress",
    "HidePress",
    "LanguagePick",
    "NavigationPress",
    "Press",
    "StaffAction",
    "StaffPress",
    "TicketAction",
    "TicketPress",
    "encode",
    "parse",
]

#: Telegram's limit for callback_data.
MAX_BYTES = 64

_ACTION_CODES: dict[Navigation, str] = {"back": "b", "restart": "r", "human": "h", "language": "l"}
_ACTIONS = {code: action for action, code in _ACTION_CODES.items()}
_PATTERN = re.compile(
    r"(?:([cn]):(0|[1-9][0-9]{0,8}):([a-z][a-z0-9_]{0,31}))|(?:l:([a-z]{2,3}(?:_[A-Z]{2})?))"
)
assert set(_ACTION_CODES) == set(NAVIGATION)

TicketAction = Literal["cancel", "reveal"]
StaffAction = Literal["claim", "close"]
_TICKET_ACTIONS: tuple[str, ...] = get_args(TicketAction)
_STAFF_ACTIONS: tuple[str, ...] = get_args(StaffAction)
_CASE_PATTERN = re.compile(r"([ts]):([a-z]{1,8}):([1-9][0-9]{0,17})")
_HIDE = "hide"
_FORGET = {"f:erase": True, "f:keep": False}


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


@dataclass(frozen=True, slots=True)
class TicketPress:
    """The person's button under the confirmation of their request for an advocate."""

    action: TicketAction
    ticket_id: int


@dataclass(frozen=True, slots=True)
class StaffPress:
    """An operator's button under a case's summary in the staff group."""

    action: StaffAction
    ticket_id: int


@dataclass(frozen=True, slots=True)
class HidePress:
    """The quick exit: "Hide this chat", under any menu."""


@dataclass(frozen=True, slots=True)
class ForgetPress:
    """The answer to /forget's question: erase everything (``erase``) or keep it."""

    erase: bool


Press = Answer | NavigationPress | LanguagePick | TicketPress | StaffPress | HidePress | ForgetPress


def encode(press: Press) -> str:
    """The callback data for ``press``; raises ValueError if it would not fit Telegram's limit."""
    match press:
        case Answer(turn=turn, key=key):
            data = f"c:{turn}:{key}"
        case NavigationPress(turn=turn, action=action):
            data = f"n:{turn}:{_ACTION_CODES[action]}"
        case LanguagePick(language=language):
            data = f"l:{language}"
        case TicketPress(action=action, ticket_id=ticket_id):
            data = f"t:{action}:{ticket_id}"
        case StaffPress(action=action, ticket_id=ticket_id):
            data = f"s:{action}:{ticket_id}"
        case HidePress():
            data = _HIDE
        case ForgetPress(erase=erase):
            data = "f:erase" if erase else "f:keep"
    if len(data.encode()) > MAX_BYTES or parse(data) != press:
        raise ValueError(f"cannot encode {press!r} as callback data")
    return data


def parse(data: str | None) -> Press | None:
    """The press that ``data`` encodes, or None for anything malformed or unknown."""
    if data is None or len(data) > MAX_BYTES:
        return None
    if data == _HIDE:
        return HidePress()
    if data in _FORGET:
        return ForgetPress(_FORGET[data])
    case = _CASE_PATTERN.fullmatch(data)
    if case is not None:
        return _case_press(*case.groups())
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


def _case_press(kind: str, action: str, ticket: str) -> TicketPress | StaffPress | None:
    if kind == "t" and action in _TICKET_ACTIONS:
        return TicketPress(action, int(ticket))  # type: ignore[arg-type]
    if kind == "s" and action in _STAFF_ACTIONS:
        return StaffPress(action, int(ticket))  # type: ignore[arg-type]
    return None
