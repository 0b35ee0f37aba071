"""The ``message`` node: the bot says something, optionally with link buttons, and moves on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.events import LinkButton
from bot.engine.node import Next, Node, TextField, Transition, register

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Link", "Message"]


@dataclass(frozen=True, slots=True)
class Link:
    """A URL button under a message; ``label`` is translated, ``url`` is not."""

    label: str
    url: str


@register
@dataclass(frozen=True, kw_only=True)
class Message(Node):
    """Say ``text``, then continue at ``next``.

    ```yaml
    - id: embassy_rule
      type: message
      text: Asylum can only be applied for on a country's territory, not at an embassy.
      buttons:
        - label: Read the directive
          url: https://eur-lex.europa.eu/eli/dir/2013/32/oj
      sources: ["Directive 2013/32/EU art. 3"]
      reviewed: 2026-11-01
      next: menu
    ```
    """

    TYPE = "message"

    text: str
    next: str
    buttons: tuple[Link, ...] = ()

    def enter(self, turn: Turn) -> Transition:
        buttons = tuple(
            LinkButton(turn.text(self, f"button.{index}", link.label), link.url)
            for index, link in enumerate(self.buttons)
        )
        turn.say(self, "text", self.text, buttons)
        return Next(self.next)

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "next", self.next

    def texts(self) -> Iterator[TextField]:
        yield TextField("text", self.text)
        for index, link in enumerate(self.buttons):
            yield TextField(f"button.{index}", link.label, "label")
