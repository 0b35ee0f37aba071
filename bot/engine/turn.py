"""The context a node runs in during one step: state, flows, directory, text lookup, events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.engine.directory import Directory
from bot.engine.events import NAVIGATION, Event, LinkButton, MessageCreated, Navigation
from bot.engine.flow import Flow, Value
from bot.engine.state import ConversationState
from bot.engine.translation import Translator

if TYPE_CHECKING:
    from bot.engine.node import Node

__all__ = ["Turn"]


class Turn:
    """Collects the events of one step while nodes run; handed to every node method."""

    __slots__ = ("directory", "events", "flows", "state", "translator", "visited")

    def __init__(
        self,
        flows: Mapping[str, Flow],
        translator: Translator,
        state: ConversationState,
        directory: Directory | None = None,
    ) -> None:
        self.flows = flows
        self.translator = translator
        self.state = state
        self.directory = directory or Directory()
        self.events: list[Event] = []
        self.visited: list[tuple[str, str]] = []

    @property
    def flow(self) -> Flow:
        """The flow the conversation is in."""
        return self.flows[self.state.flow]

    @property
    def variables(self) -> Mapping[str, Value]:
        """The conversation's variables (read-only view; write with :meth:`set`)."""
        return self.state.variables

    def set(self, name: str, value: Value) -> None:
        """Remember a variable's value."""
        self.state.variables[name] = value

    def text(self, node: Node, field: str, source: str) -> str:
        """``source`` in the conversation's language; ``field`` completes the msgctxt."""
        flow = self.flow
        if self.state.language == flow.language:
            return source
        return self.translator.flow_text(
            self.state.language, f"{flow.id}/{node.id}/{field}", source
        )

    def ui(self, message: str) -> str:
        """The bot's own words (not a flow's) in the conversation's language."""
        return self.translator.ui_text(self.state.language, message)

    def enter(self, flow: str, node: str) -> None:
        """Note that the step entered ``node`` of ``flow`` (for analytics)."""
        self.visited.append((flow, node))

    def emit(self, event: Event) -> None:
        """Add an event to the step."""
        self.events.append(event)

    def say(
        self, node: Node, field: str, source: str, buttons: tuple[LinkButton, ...] = ()
    ) -> None:
        """Emit a message with ``node``'s text field, carrying the node's sources."""
        self.emit(
            MessageCreated(
                flow=self.state.flow,
                node=node.id,
                text=self.text(node, field, source),
                buttons=buttons,
                sources=node.sources,
                reviewed=node.reviewed,
            )
        )

    def navigation(self) -> tuple[Navigation, ...]:
        """The global navigation offered with the current question."""
        if len(self.state.history) > 1:
            return NAVIGATION
        return tuple(action for action in NAVIGATION if action != "back")
