"""The flow model: a flow, its declared variables and the types their values may take."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from bot.engine.node import Node, TextField

__all__ = [
    "FLOW_NODE",
    "SENSITIVITIES",
    "VARIABLE_TYPES",
    "Flow",
    "Sensitivity",
    "Value",
    "Variable",
    "VariableType",
]

#: A variable's value once set. ``None`` is never stored: an unset variable is absent.
Value = str | int | float | bool

VariableType = Literal["text", "number", "boolean", "enum"]
VARIABLE_TYPES: tuple[str, ...] = get_args(VariableType)

#: How much harm a leak of the value could do; retention and encryption follow from it.
#: ``none``: nothing about the person (e.g. a chosen language); ``situation``: facts about their
#: situation picked from a menu; ``free_text``: anything they typed themselves.
Sensitivity = Literal["none", "situation", "free_text"]
SENSITIVITIES: tuple[str, ...] = get_args(Sensitivity)

#: The node part of the msgctxt of a flow's own fields (its title). Node ids start with a letter,
#: so it cannot collide with one.
FLOW_NODE = "_flow"


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared variable: what a flow may remember about a conversation.

    ``values`` lists the allowed values of an ``enum`` variable and is empty otherwise.
    """

    name: str
    type: VariableType
    sensitivity: Sensitivity = "situation"
    values: tuple[str, ...] = ()

    def accepts(self, value: Value) -> bool:
        """Whether ``value`` fits this variable's type (and, for an enum, its values)."""
        if self.type == "boolean":
            return isinstance(value, bool)
        if self.type == "number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        if self.type == "enum":
            return isinstance(value, str) and value in self.values
        return isinstance(value, str)


@dataclass(frozen=True, slots=True)
class Flow:
    """One dialogue: a graph of nodes with a start node and declared variables.

    ``language`` is the language the flow's own text is written in (the source of translations).
    """

    id: str
    title: str
    start: str
    nodes: Mapping[str, Node]
    version: int = 1
    language: str = "en"
    variables: Mapping[str, Variable] = field(default_factory=dict)

    def texts(self) -> Iterator[tuple[str, str, TextField]]:
        """Every user-visible string as ``(node id, msgctxt, field)``, the title first.

        The msgctxt is ``"<flow>/<node>/<field>"``, the key of the string in ``flows.po``.
        """
        from bot.engine.node import TextField

        yield FLOW_NODE, f"{self.id}/{FLOW_NODE}/title", TextField("title", self.title, "label")
        for node in self.nodes.values():
            for text in node.texts():
                yield node.id, f"{self.id}/{node.id}/{text.field}", text
