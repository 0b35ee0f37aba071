"""What a step tells the outside world. Adapters render these; the engine never does I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from bot.engine.flow import Value
from bot.engine.translation import N_

__all__ = [
    "NAVIGATION",
    "NAVIGATION_LABELS",
    "Choice",
    "ChoicesOffered",
    "Event",
    "FlowEntered",
    "InputRejected",
    "InputRequested",
    "InputStale",
    "LanguagePickerRequested",
    "LinkButton",
    "MessageCreated",
    "Navigation",
    "NothingToGoBackTo",
    "SessionEnded",
    "TicketOpened",
]

#: Global navigation that the engine offers at every question, whatever the flow says.
Navigation = Literal["back", "restart", "human", "language"]
NAVIGATION: tuple[Navigation, ...] = get_args(Navigation)

#: The English labels of the navigation buttons (catalog ``bot.po``), for adapters to show.
NAVIGATION_LABELS: dict[str, str] = {
    "back": N_("Back"),
    "restart": N_("Restart"),
    "human": N_("Talk to a person"),
    "language": N_("Change language"),
}


@dataclass(frozen=True, slots=True)
class LinkButton:
    """A button that opens a URL; it never comes back to the bot."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer the user can pick; ``key`` comes back in :class:`~bot.engine.inputs.Chose`."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Event:
    """Base of everything a step emits."""


@dataclass(frozen=True, slots=True)
class MessageCreated(Event):
    """The bot says something. ``sources`` and ``reviewed`` come from a fact node."""

    flow: str
    node: str
    text: str
    buttons: tuple[LinkButton, ...] = ()
    sources: tuple[str, ...] = ()
    reviewed: date | None = None


@dataclass(frozen=True, slots=True)
class ChoicesOffered(Event):
    """The conversation waits for one of ``choices`` (or a navigation action).

    ``turn`` identifies this offer: an answer carrying another turn is stale.
    """

    flow: str
    node: str
    turn: int
    choices: tuple[Choice, ...]
    navigation: tuple[Navigation, ...]


@dataclass(frozen=True, slots=True)
class InputRequested(Event):
    """The conversation waits for free text of ``kind`` (``text``, ``number`` or ``yes_no``).

    ``choices`` holds quick answers (Yes/No for ``yes_no``) that may be shown as buttons.
    """

    flow: str
    node: str
    turn: int
    kind: str
    max_length: int
    choices: tuple[Choice, ...]
    navigation: tuple[Navigation, ...]


@dataclass(frozen=True, slots=True)
class InputRejected(Event):
    """An answer did not fit; ``reason`` is a stable code, the retry text follows as a message.

    Codes: ``not_a_choice``, ``too_long``, ``invalid``, ``empty``.
    """

    flow: str
    node: str
    reason: str


@dataclass(frozen=True, slots=True)
class InputStale(Event):
    """A button from an older message (or an older version of the flow) was pressed."""


@dataclass(frozen=True, slots=True)
class NothingToGoBackTo(Event):
    """Back was asked for at the first question."""


@dataclass(frozen=True, slots=True)
class LanguagePickerRequested(Event):
    """The user asked to change language; the adapter shows the languages it ships."""

    current: str


@dataclass(frozen=True, slots=True)
class FlowEntered(Event):
    """A flow started, from the beginning or from a ``goto`` (for analytics and logs)."""

    flow: str
    version: int


@dataclass(frozen=True, slots=True)
class TicketOpened(Event):
    """The user asked for a human advocate.

    ``variables`` holds only what the flow allows the advocate to see, in the flow's order.
    """

    flow: str
    node: str
    topic: str
    variables: tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class SessionEnded(Event):
    """The dialogue is over: ``completed`` at an ``end`` node, ``handoff`` at a ``handoff`` node."""

    reason: Literal["completed", "handoff"]
