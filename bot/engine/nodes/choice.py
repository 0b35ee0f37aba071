"""The ``choice`` node: a question with buttons; each option can set variables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.events import Choice as OfferedChoice
from bot.engine.events import ChoicesOffered, InputRejected, MessageCreated
from bot.engine.flow import Value
from bot.engine.inputs import Chose
from bot.engine.node import (
    Answer,
    Next,
    Question,
    Stay,
    TextField,
    Transition,
    VariableUse,
    register,
)
from bot.engine.translation import N_

if TYPE_CHECKING:
    from bot.engine.turn import Turn

__all__ = ["Choice", "Option"]

NOT_A_CHOICE = N_("Please choose one of the options below.")


@dataclass(frozen=True, slots=True)
class Option:
    """An answer: ``id`` is stable (it keys the translation and the button), ``label`` is shown."""

    id: str
    label: str
    next: str
    set: Mapping[str, Value] = field(default_factory=dict)


@register
@dataclass(frozen=True, kw_only=True)
class Choice(Question):
    """Ask ``text`` and offer ``options`` as buttons.

    A typed answer is accepted when it matches an option's label or its number (1, 2, ...).

    ```yaml
    - id: where
      type: choice
      text: Where are you now?
      options:
        - id: russia
          label: In Russia
          set: {location: russia}
          next: passport
        - id: abroad
          label: Outside Russia
          set: {location: abroad}
          next: abroad_menu
    ```
    """

    TYPE = "choice"

    text: str
    options: tuple[Option, ...]

    def prompt(self, turn: Turn) -> None:
        turn.say(self, "text", self.text)

    def offer(self, turn: Turn) -> None:
        choices = tuple(
            OfferedChoice(option.id, turn.text(self, f"option.{option.id}", option.label))
            for option in self.options
        )
        state = turn.state
        turn.emit(ChoicesOffered(state.flow, self.id, state.turn, choices, turn.navigation()))

    def answer(self, turn: Turn, answer: Answer) -> Transition:
        option = self._match(turn, answer)
        if option is None:
            turn.emit(InputRejected(turn.state.flow, self.id, "not_a_choice"))
            turn.emit(MessageCreated(turn.state.flow, self.id, turn.ui(NOT_A_CHOICE)))
            return Stay()
        for name, value in option.set.items():
            turn.set(name, value)
        return Next(option.next)

    def _match(self, turn: Turn, answer: Answer) -> Option | None:
        if isinstance(answer, Chose):
            return next((o for o in self.options if o.id == answer.key), None)
        typed = answer.text.strip().casefold()
        # isdecimal, not isdigit: "²" is a digit int() refuses. Any script's decimals are fine
        # ("１" from a full-width keyboard); the length cap keeps int() cheap.
        if typed.isdecimal() and len(typed) <= 4 and 1 <= int(typed) <= len(self.options):
            return self.options[int(typed) - 1]
        for option in self.options:
            label = turn.text(self, f"option.{option.id}", option.label)
            if typed in (label.casefold(), option.label.casefold()):
                return option
        return None

    def targets(self) -> Iterator[tuple[str, str]]:
        for option in self.options:
            yield f"options.{option.id}.next", option.next

    def texts(self) -> Iterator[TextField]:
        yield TextField("text", self.text)
        for option in self.options:
            yield TextField(f"option.{option.id}", option.label, "label")

    def variable_uses(self) -> Iterator[VariableUse]:
        for option in self.options:
            for name, value in option.set.items():
                yield VariableUse(f"options.{option.id}.set.{name}", name, "write", value)
