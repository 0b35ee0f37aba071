"""What the user can do: the inputs that :meth:`bot.engine.Engine.resume` accepts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.events import Navigation

__all__ = ["Chose", "LanguageChosen", "Navigated", "ShowAgain", "TypedText", "UserInput"]


@dataclass(frozen=True, slots=True)
class Chose:
    """A button was pressed: ``key`` of a :class:`~bot.engine.events.Choice` offered at ``turn``."""

    turn: int
    key: str


@dataclass(frozen=True, slots=True)
class TypedText:
    """The user wrote text."""

    text: str


@dataclass(frozen=True, slots=True)
class Navigated:
    """Global navigation: back, restart, human or language.

    ``turn`` is set when the action came from a button under a question (the offer's turn), so
    a button under an older message, or a second fast tap, is recognised as stale; a typed
    command (/back) has no turn and always applies.
    """

    action: Navigation
    turn: int | None = None


@dataclass(frozen=True, slots=True)
class LanguageChosen:
    """A language was picked; the current question is asked again in it."""

    language: str


@dataclass(frozen=True, slots=True)
class ShowAgain:
    """Show the current question again, changing nothing.

    Adapters send it after answering something the flow cannot take (a sticker, an unknown
    command), so the person always sees where they are and what they can do.
    """


UserInput = Chose | TypedText | Navigated | LanguageChosen | ShowAgain
