"""The ``router`` node: branch on variables without asking anything."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.conditions import Condition
from bot.engine.node import Next, Node, Transition, VariableUse, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Route", "Router"]


@dataclass(frozen=True, slots=True)
class Route:
    """Go to ``next`` when ``when`` holds."""

    when: Condition
    next: str


@register
@dataclass(frozen=True, kw_only=True)
class Router(Node):
    """Take the first route whose condition holds, else ``default``.

    Conditions: ``equals: {var: value}``, ``in: {var: [values]}``, ``set: var``,
    ``not: condition``, ``all: [conditions]``, ``any: [conditions]``.

    ```yaml
    - id: by_situation
      type: router
      routes:
        - when: {all: [{equals: {in_service: true}}, {in: {location: [russia, cis]}}]}
          next: service_risks
        - when: {not: {set: location}}
          next: where
      default: menu
    ```
    """

    TYPE = "router"

    routes: tuple[Route, ...]
    default: str

    def enter(self, turn: Turn) -> Transition:
        variables = turn.variables
        for route in self.routes:
            if route.when.test(variables):
                return Next(route.next)
        return Next(self.default)

    def targets(self) -> Iterator[tuple[str, str]]:
        for index, route in enumerate(self.routes):
            yield f"routes.{index}.next", route.next
        yield "default", self.default

    def variable_uses(self) -> Iterator[VariableUse]:
        for index, route in enumerate(self.routes):
            for name, value in route.when.uses():
                yield VariableUse(f"routes.{index}.when", name, "read", value)
