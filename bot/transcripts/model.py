"""The transcript model: a flow, the languages to run it in, and the user's steps with expectations.

Everything here is plain, immutable data; :mod:`bot.transcripts.loader` builds it from YAML and
:mod:`bot.transcripts.recorder` writes it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.engine import Navigation, Value

__all__ = [
    "Action",
    "Choose",
    "ChooseStale",
    "Expectation",
    "Navigate",
    "PickLanguage",
    "TicketExpectation",
    "Transcript",
    "TranscriptStep",
    "TypeText",
    "node_ref",
]

#: The value of ``choose`` that presses a button of an older question instead of a key.
STALE = "stale"


@dataclass(frozen=True, slots=True)
class Choose:
    """Press the button with ``key``, offered at ``turn`` (None: the question now waiting)."""

    key: str
    turn: int | None = None

    def describe(self) -> str:
        """The step as its YAML reads, for messages."""
        if self.turn is None:
            return f"choose: {self.key}"
        return f"choose: {self.key} (turn {self.turn})"

    def to_data(self) -> dict[str, Any]:
        """The step's action as YAML data."""
        if self.turn is None and self.key != STALE:
            return {"choose": self.key}
        data: dict[str, Any] = {"key": self.key}
        if self.turn is not None:
            data["turn"] = self.turn
        return {"choose": data}


@dataclass(frozen=True, slots=True)
class ChooseStale:
    """Press a button of the question before the current one (``choose: stale``)."""

    def describe(self) -> str:
        """The step as its YAML reads, for messages."""
        return f"choose: {STALE}"

    def to_data(self) -> dict[str, Any]:
        """The step's action as YAML data."""
        return {"choose": STALE}


@dataclass(frozen=True, slots=True)
class TypeText:
    """Write ``text`` (``type: "12"``)."""

    text: str

    def describe(self) -> str:
        """The step as its YAML reads, for messages."""
        return f"type: {self.text!r}"

    def to_data(self) -> dict[str, Any]:
        """The step's action as YAML data."""
        return {"type": self.text}


@dataclass(frozen=True, slots=True)
class Navigate:
    """Use global navigation (``nav: back``)."""

    action: Navigation

    def describe(self) -> str:
        """The step as its YAML reads, for messages."""
        return f"nav: {self.action}"

    def to_data(self) -> dict[str, Any]:
        """The step's action as YAML data."""
        return {"nav": self.action}


@dataclass(frozen=True, slots=True)
class PickLanguage:
    """Pick a language in the language picker (``language: ru``)."""

    language: str

    def describe(self) -> str:
        """The step as its YAML reads, for messages."""
        return f"language: {self.language}"

    def to_data(self) -> dict[str, Any]:
        """The step's action as YAML data."""
        return {"language": self.language}


Action = Choose | ChooseStale | TypeText | Navigate | PickLanguage


@dataclass(frozen=True, slots=True)
class TicketExpectation:
    """A handoff ticket: its ``topic`` and the variables shared with the advocate.

    ``shared`` is None (not checked), a tuple of names in the order the flow shares them, or a
    mapping of names to values.
    """

    topic: str | None = None
    shared: tuple[str, ...] | Mapping[str, Value] | None = None


@dataclass(frozen=True, slots=True)
class Expectation:
    """What must be observed after one step; None means "not checked".

    The flags ``stale``, ``rejected``, ``ticket``, ``ended``, ``nothing_to_go_back`` and
    ``language_picker`` are checked even when absent: what a transcript does not mention must
    not happen, so an unexpected handoff or rejection never passes unnoticed.

    Node references are a node id (in any flow) or ``"<flow>/<node>"``.
    """

    says: tuple[str, ...] | None = None
    offers: str | None = None
    ended: Literal["completed", "handoff"] | None = None
    choices: tuple[str, ...] | None = None
    ticket: TicketExpectation | None = None
    stale: bool = False
    rejected: str | bool = False
    nothing_to_go_back: bool = False
    language_picker: bool = False
    variables: Mapping[str, Value] | None = None
    text: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """The expectation as YAML data, leaving out what is not checked."""
        data: dict[str, Any] = {}
        if self.says is not None:
            data["says"] = list(self.says)
        if self.offers is not None:
            data["offers"] = self.offers
        if self.ended is not None:
            data["ended"] = self.ended
        if self.choices is not None:
            data["choices"] = list(self.choices)
        if self.ticket is not None:
            ticket: dict[str, Any] = {}
            if self.ticket.topic is not None:
                ticket["topic"] = self.ticket.topic
            shared = self.ticket.shared
            if isinstance(shared, tuple):
                ticket["shared"] = list(shared)
            elif shared is not None:
                ticket["shared"] = dict(shared)
            data["ticket"] = ticket
        for flag in ("stale", "nothing_to_go_back", "language_picker"):
            if getattr(self, flag):
                data[flag] = True
        if self.rejected:
            data["rejected"] = self.rejected
        if self.variables is not None:
            data["variables"] = dict(self.variables)
        if self.text:
            data["text"] = {
                language: parts[0] if len(parts) == 1 else list(parts)
                for language, parts in self.text.items()
            }
        return data


@dataclass(frozen=True, slots=True)
class TranscriptStep:
    """One step: an action (None for the start, which is always step 1) and what must follow.

    ``number`` counts from 1 as the steps appear in the file; ``line`` is 1-based (0: unknown).
    """

    number: int
    action: Action | None
    expect: Expectation
    line: int = 0

    def describe(self) -> str:
        """``start`` or the action as its YAML reads."""
        return "start" if self.action is None else self.action.describe()


@dataclass(frozen=True, slots=True)
class Transcript:
    """A dialogue to replay: start ``flow``, then take ``steps``, once in each of ``languages``.

    ``path`` is the file as shown in messages; ``description`` is free text for readers.
    """

    path: str
    flow: str
    languages: tuple[str, ...]
    steps: tuple[TranscriptStep, ...]
    description: str | None = None

    def to_data(self) -> dict[str, Any]:
        """The transcript as YAML data (see :func:`bot.transcripts.recorder.dump_transcript`)."""
        data: dict[str, Any] = {}
        if self.description:
            data["description"] = self.description
        data["flow"] = self.flow
        data["languages"] = list(self.languages)
        steps: list[dict[str, Any]] = []
        for step in self.steps:
            entry: dict[str, Any] = step.action.to_data() if step.action else {}
            expect = step.expect.to_data()
            if expect:
                entry["expect"] = expect
            steps.append(entry)
        data["steps"] = steps
        return data


def node_ref(flow: str, node: str, root: str) -> str:
    """How a transcript names ``node`` of ``flow``: bare in the ``root`` flow, else qualified."""
    return node if flow == root else f"{flow}/{node}"
