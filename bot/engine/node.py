"""The node base class, the transitions a node can ask for, and the node-type registry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar

from bot.engine.flow import Value
from bot.engine.inputs import Chose, TypedText

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = [
    "NODE_TYPES",
    "Answer",
    "Ask",
    "EnterFlow",
    "Finish",
    "Next",
    "Node",
    "Question",
    "Stay",
    "TextField",
    "Transition",
    "VariableUse",
    "register",
]

Answer = Chose | TypedText


@dataclass(frozen=True, slots=True)
class Next:
    """Continue at another node of the same flow."""

    node: str


@dataclass(frozen=True, slots=True)
class Ask:
    """Stop here and wait for the user's answer (only questions return this)."""


@dataclass(frozen=True, slots=True)
class Stay:
    """The answer was rejected: offer the same question again, nothing else changes."""


@dataclass(frozen=True, slots=True)
class EnterFlow:
    """Run another flow from its start; continue at ``then`` when it ends (None: end here too)."""

    flow: str
    then: str | None


@dataclass(frozen=True, slots=True)
class Finish:
    """This flow is over; ``handoff`` ends the whole conversation, ``completed`` returns."""

    reason: Literal["completed", "handoff"]


Transition = Next | Ask | Stay | EnterFlow | Finish


@dataclass(frozen=True, slots=True)
class TextField:
    """A user-visible string: ``field`` completes its msgctxt, ``text`` is the source."""

    field: str
    text: str
    kind: Literal["message", "label"] = "message"


@dataclass(frozen=True, slots=True)
class VariableUse:
    """A node reads or writes a variable; ``value`` is a literal compared or assigned, if any."""

    field: str
    name: str
    access: Literal["read", "write"]
    value: Value | None = None
    kind: str | None = None


@dataclass(frozen=True, kw_only=True)
class Node:
    """A step of a flow. Subclasses are frozen dataclasses registered with :func:`register`.

    Any node may carry ``sources`` (where its facts come from) and ``reviewed`` (when someone last
    checked them); a node with ``sources`` states facts and must have ``reviewed``.
    """

    TYPE: ClassVar[str] = ""

    id: str
    sources: tuple[str, ...] = ()
    reviewed: date | None = None

    def enter(self, turn: Turn) -> Transition:
        """Run the node when the conversation arrives at it."""
        raise NotImplementedError

    def targets(self) -> Iterator[tuple[str, str]]:
        """The nodes of the same flow this node can lead to, as ``(field, node id)``."""
        return iter(())

    def texts(self) -> Iterator[TextField]:
        """Every user-visible string, for translation and length checks."""
        return iter(())

    def variable_uses(self) -> Iterator[VariableUse]:
        """The variables this node reads or writes."""
        return iter(())

    def flows_entered(self) -> Iterator[str]:
        """Other flows this node enters (``goto``)."""
        return iter(())

    @property
    def terminal(self) -> bool:
        """Whether the conversation (or, for ``end``, the flow) can stop at this node."""
        return False


@dataclass(frozen=True, kw_only=True)
class Question(Node):
    """A node that waits for the user: ``prompt`` shows the question, ``offer`` the answers."""

    def enter(self, turn: Turn) -> Transition:
        return Ask()

    def prompt(self, turn: Turn) -> None:
        """Emit the question's text."""
        raise NotImplementedError

    def offer(self, turn: Turn) -> None:
        """Emit what the user can answer (a ChoicesOffered or an InputRequested)."""
        raise NotImplementedError

    def answer(self, turn: Turn, answer: Answer) -> Transition:
        """Take the user's answer; return where to go, or :class:`Stay` after a rejection."""
        raise NotImplementedError


NODE_TYPES: dict[str, type[Node]] = {}

_N = TypeVar("_N", bound=type[Node])


def register(cls: _N) -> _N:
    """Class decorator: make ``cls`` available under its ``TYPE`` string."""
    if not cls.TYPE or cls.TYPE in NODE_TYPES:
        raise ValueError(f"node type {cls.TYPE!r} is empty or registered twice")
    NODE_TYPES[cls.TYPE] = cls
    return cls
