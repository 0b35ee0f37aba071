"""What a Telegram update asks of the dialogue, once the handlers have read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.engine import ShowAgain, UserInput

from .callback_data import TicketPress

__all__ = [
    "DialogueRequest",
    "ExitRequest",
    "ForgetAsked",
    "ForgetConfirmed",
    "Hide",
    "Incoming",
    "Notice",
    "Respond",
    "StartRequested",
    "TicketButton",
    "Written",
]


@dataclass(frozen=True, slots=True)
class StartRequested:
    """/start, optionally with a deep-link payload naming a flow."""

    flow: str | None = None


@dataclass(frozen=True, slots=True)
class Respond:
    """Something the engine takes: a typed answer, a button, navigation, a language."""

    user_input: UserInput


@dataclass(frozen=True, slots=True)
class Notice:
    """Say ``message`` (the bot's own words, translated), then show where the person is."""

    message: str
    then: UserInput = field(default_factory=ShowAgain)


@dataclass(frozen=True, slots=True)
class Written:
    """A message the person wrote or sent (text, photo, file, voice...).

    While a request for an advocate is open it goes to the advocate; otherwise the dialogue
    takes ``otherwise`` (a typed answer, or the notice that only text is understood).
    ``kind`` and ``words`` (its text, or a media's caption) are kept with the case for the
    console's case page (:mod:`bot.handoff.relayed`).
    """

    message_id: int
    otherwise: Respond | Notice
    kind: str = "text"
    words: str | None = None


@dataclass(frozen=True, slots=True)
class TicketButton:
    """A button under the confirmation of a request for an advocate (cancel, show username)."""

    press: TicketPress


DialogueRequest = StartRequested | Respond | Notice | Written | TicketButton


@dataclass(frozen=True, slots=True)
class Incoming:
    """The person's message an update brings (any kind), so /hide can delete it later."""

    message_id: int
    date: datetime


@dataclass(frozen=True, slots=True)
class Hide:
    """The quick exit: /hide, or "Hide this chat" pressed under ``message_id``'s menu.

    ``message_id`` is the /hide message or the message holding the button: deleted with the
    rest, even if it is older than what the log knows.
    """

    message_id: int


@dataclass(frozen=True, slots=True)
class ForgetAsked:
    """/forget: ask before erasing everything."""

    incoming: Incoming


@dataclass(frozen=True, slots=True)
class ForgetConfirmed:
    """The "Erase everything" button, pressed under /forget's question ``message_id``.

    "Keep" is a plain :class:`Notice`: nothing happens but the answer.
    """

    message_id: int


ExitRequest = Hide | ForgetAsked | ForgetConfirmed
"""What :class:`bot.tg.quick_exit.QuickExit` takes: leaving, not talking."""
