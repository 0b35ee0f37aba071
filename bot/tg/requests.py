"""What a Telegram update asks of the dialogue, once the handlers have read it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.engine import ShowAgain, UserInput

__all__ = ["DialogueRequest", "Notice", "Respond", "StartRequested"]


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


DialogueRequest = StartRequested | Respond | Notice
