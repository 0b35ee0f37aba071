"""The ``handoff`` node: hand the conversation to a human advocate."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.events import TicketOpened
from bot.engine.node import Finish, Node, TextField, Transition, VariableUse, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Handoff"]


@register
@dataclass(frozen=True, kw_only=True)
class Handoff(Node):
    """Say ``text`` (if any) and open a ticket on ``topic``; the dialogue ends here.

    The advocate sees only the variables listed in ``share`` that have a value.

    ```yaml
    - id: ask_advocate
      type: handoff
      topic: asylum
      text: An advocate will answer you here. You do not need to give your name.
      share: [location, in_service, has_passport]
    ```
    """

    TYPE = "handoff"

    topic: str
    share: tuple[str, ...] = ()
    text: str | None = None

    def enter(self, turn: Turn) -> Transition:
        if self.text is not None:
            turn.say(self, "text", self.text)
        variables = turn.variables
        shared = tuple((name, variables[name]) for name in self.share if name in variables)
        turn.emit(TicketOpened(turn.state.flow, self.id, self.topic, shared))
        return Finish("handoff")

    def texts(self) -> Iterator[TextField]:
        if self.text is not None:
            yield TextField("text", self.text)

    def variable_uses(self) -> Iterator[VariableUse]:
        for name in self.share:
            yield VariableUse("share", name, "read")

    @property
    def terminal(self) -> bool:
        return True
