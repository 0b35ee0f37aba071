"""The ``end`` node: the flow is over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.node import Finish, Node, TextField, Transition, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["End"]


@register
@dataclass(frozen=True, kw_only=True)
class End(Node):
    """Say ``text`` (if any) and end this flow: return to the flow that entered it, or finish.

    ```yaml
    - id: done
      type: end
      text: Take care. Send /start whenever you want to begin again.
    ```
    """

    TYPE = "end"

    text: str | None = None

    def enter(self, turn: Turn) -> Transition:
        if self.text is not None:
            turn.say(self, "text", self.text)
        return Finish("completed")

    def texts(self) -> Iterator[TextField]:
        if self.text is not None:
            yield TextField("text", self.text)

    @property
    def terminal(self) -> bool:
        return True
