"""What a Telegram update asks of the dialogue, once the handlers have read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine import ShowAgain, UserInput

from .callback_data import TicketPress

__all__ = ["DialogueRequest", "Notice", "Respond", "StartRequested", "TicketButton", "Written"]


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
    """

    message_id: int
    otherwise: Respond | Notice


@dataclass(frozen=True, slots=True)
class TicketButton:
    """A button under the confirmation of a request for an advocate (cancel, show username)."""

    press: TicketPress


DialogueRequest = StartRequested | Respond | Notice | Written | TicketButton
