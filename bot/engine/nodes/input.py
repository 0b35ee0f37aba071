"""The ``input`` node: free text (or a number, or yes/no) stored in a variable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.engine.events import Choice, InputRejected, InputRequested, MessageCreated
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

__all__ = ["INPUT_KINDS", "Input", "Validation"]

InputKind = Literal["text", "number", "yes_no"]
INPUT_KINDS: dict[str, str] = {"text": "text", "number": "number", "yes_no": "boolean"}
"""Each input kind and the variable type it fills."""

# The bot's own retry texts, used when a flow gives no ``retry`` of its own (catalog: bot.po).
RETRY = {
    "text": N_("Please try again."),
    "number": N_("Please answer with a number."),
    "yes_no": N_("Please answer yes or no."),
}
EMPTY = N_("Please write your answer as text.")
TOO_LONG = N_("That is too long: please use at most {limit} characters.")
YES, NO = N_("Yes"), N_("No")


@dataclass(frozen=True, slots=True)
class Validation:
    """Limits an answer must meet: a regular expression (text) or a range (number)."""

    pattern: str | None = None
    min: float | None = None
    max: float | None = None


@register
@dataclass(frozen=True, kw_only=True)
class Input(Question):
    """Ask ``text`` and store the answer in ``variable``, then continue at ``next``.

    ``kind`` is ``text``, ``number`` or ``yes_no`` (offered with Yes/No buttons). An answer that
    is empty, longer than ``max_length``, or fails ``validation`` is rejected with ``retry``.

    ```yaml
    - id: stay_days
      type: input
      kind: number
      text: How many days have you been in the country you are in now?
      variable: days_here
      validation: {min: 0, max: 3650}
      retry: Please write a number of days, for example 30.
      max_length: 10
      next: registration
    ```
    """

    TYPE = "input"

    text: str
    variable: str
    next: str
    kind: InputKind = "text"
    max_length: int = 1000
    validation: Validation = Validation()
    retry: str | None = None

    def prompt(self, turn: Turn) -> None:
        turn.say(self, "text", self.text)

    def offer(self, turn: Turn) -> None:
        choices: tuple[Choice, ...] = ()
        if self.kind == "yes_no":
            choices = (Choice("yes", turn.ui(YES)), Choice("no", turn.ui(NO)))
        state = turn.state
        turn.emit(
            InputRequested(
                state.flow,
                self.id,
                state.turn,
                self.kind,
                self.max_length,
                choices,
                turn.navigation(),
            )
        )

    def answer(self, turn: Turn, answer: Answer) -> Transition:
        reason, value = self._parse(turn, answer)
        if value is None:
            turn.emit(InputRejected(turn.state.flow, self.id, reason))
            turn.emit(MessageCreated(turn.state.flow, self.id, self._retry_text(turn, reason)))
            return Stay()
        turn.set(self.variable, value)
        return Next(self.next)

    def _parse(self, turn: Turn, answer: Answer) -> tuple[str, Value | None]:
        if isinstance(answer, Chose):
            if self.kind == "yes_no" and answer.key in ("yes", "no"):
                return "", answer.key == "yes"
            return "invalid", None
        text = answer.text.strip()
        if not text:
            return "empty", None
        if len(text) > self.max_length:
            return "too_long", None
        if self.kind == "number":
            number = _number(text)
            rules = self.validation
            if number is None or (rules.min is not None and number < rules.min):
                return "invalid", None
            if rules.max is not None and number > rules.max:
                return "invalid", None
            return "", number
        if self.kind == "yes_no":
            yes = _yes_no(turn, text)
            return ("invalid", None) if yes is None else ("", yes)
        pattern = self.validation.pattern
        if pattern is not None and re.fullmatch(pattern, text) is None:
            return "invalid", None
        return "", text

    def _retry_text(self, turn: Turn, reason: str) -> str:
        if reason == "too_long":
            return turn.ui(TOO_LONG).format(limit=self.max_length)
        if reason == "empty":
            return turn.ui(EMPTY)
        if self.retry is not None:
            return turn.text(self, "retry", self.retry)
        return turn.ui(RETRY[self.kind])

    def targets(self) -> Iterator[tuple[str, str]]:
        yield "next", self.next

    def texts(self) -> Iterator[TextField]:
        yield TextField("text", self.text)
        if self.retry is not None:
            yield TextField("retry", self.retry)

    def variable_uses(self) -> Iterator[VariableUse]:
        yield VariableUse("variable", self.variable, "write", kind=INPUT_KINDS[self.kind])


# Plain digits, or groups of three split by spaces ("10 000"), then an optional decimal part
# after a point or a comma (ru, de and fr write "1,5"). [0-9], not \d: only ASCII digits.
_NUMBER = re.compile(
    r"([+-]?)([0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]{1,15})(?:([.,])([0-9]{1,6}))?"
)


def _number(text: str) -> int | float | None:
    """Accept "12", "-3", "1.5", "1,5" and "10 000"; refuse "1,000" and "1.000".

    Whether "1,000" means one thousand or one depends on the writer's language, and guessing
    wrong turns 1,000 days into 1 day; so a separator followed by exactly three digits is refused
    and the question asked again. Exponents and underscores are refused too.
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    sign, whole, separator, fraction = match.groups()
    digits = "".join(ch for ch in whole if ch.isdigit())
    if separator is None:
        return int(sign + digits)
    if len(fraction) == 3:
        return None
    return float(f"{sign}{digits}.{fraction}")


def _yes_no(turn: Turn, text: str) -> bool | None:
    typed = text.casefold().rstrip(".!")
    if typed in (YES.casefold(), "y", turn.ui(YES).casefold()):
        return True
    if typed in (NO.casefold(), "n", turn.ui(NO).casefold()):
        return False
    return None
