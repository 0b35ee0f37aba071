"""The ``goto`` node: run another flow, then come back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.node import EnterFlow, Node, Transition, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Goto"]


@register
@dataclass(frozen=True, kw_only=True)
class Goto(Node):
    """Enter ``flow`` at its start; when that flow reaches an ``end``, continue at ``next``.

    Without ``next`` this conversation ends where the entered flow ends. Variables are shared
    across flows; Back can step back into the calling flow.

    ```yaml
    - id: explain_asylum
      type: goto
      flow: asylum_on_territory
      next: menu
    ```
    """

    TYPE = "goto"

    flow: str
    next: str | None = None

    def enter(self, turn: Turn) -> Transition:
        return EnterFlow(self.flow, self.next)

    def targets(self) -> Iterator[tuple[str, str]]:
        if self.next is not None:
            yield "next", self.next

    def flows_entered(self) -> Iterator[str]:
        yield self.flow

    @property
    def terminal(self) -> bool:
        # Without ``next`` the conversation stops where the entered flow stops.
        return self.next is None
