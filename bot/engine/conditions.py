"""Conditions a ``router`` branches on. Each tests the conversation's variables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bot.engine.flow import Value

__all__ = ["All", "Any", "Condition", "Equals", "In", "IsSet", "Not"]


@dataclass(frozen=True, slots=True)
class Condition:
    """Base class; ``uses`` yields ``(variable, literal or None)`` for validation."""

    def test(self, variables: Mapping[str, Value]) -> bool:
        """Whether the condition holds for ``variables``."""
        raise NotImplementedError

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        """The variables the condition reads, each with the literal it compares to (or None)."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Equals(Condition):
    """``{equals: {variable: value}}``: the variable is set and equals the value."""

    variable: str
    value: Value

    def test(self, variables: Mapping[str, Value]) -> bool:
        return _same(variables.get(self.variable), self.value)

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        yield self.variable, self.value


@dataclass(frozen=True, slots=True)
class In(Condition):
    """``{in: {variable: [a, b]}}``: the variable is set to one of the values."""

    variable: str
    values: tuple[Value, ...]

    def test(self, variables: Mapping[str, Value]) -> bool:
        return any(Equals(self.variable, value).test(variables) for value in self.values)

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        for value in self.values:
            yield self.variable, value


@dataclass(frozen=True, slots=True)
class IsSet(Condition):
    """``{set: variable}``: the variable has a value (an answered question, a chosen option)."""

    variable: str

    def test(self, variables: Mapping[str, Value]) -> bool:
        return self.variable in variables

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        yield self.variable, None


@dataclass(frozen=True, slots=True)
class Not(Condition):
    """``{not: condition}``."""

    condition: Condition

    def test(self, variables: Mapping[str, Value]) -> bool:
        return not self.condition.test(variables)

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        return self.condition.uses()


@dataclass(frozen=True, slots=True)
class All(Condition):
    """``{all: [conditions]}``: every condition holds."""

    conditions: tuple[Condition, ...]

    def test(self, variables: Mapping[str, Value]) -> bool:
        return all(condition.test(variables) for condition in self.conditions)

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        for condition in self.conditions:
            yield from condition.uses()


@dataclass(frozen=True, slots=True)
class Any(Condition):
    """``{any: [conditions]}``: at least one condition holds."""

    conditions: tuple[Condition, ...]

    def test(self, variables: Mapping[str, Value]) -> bool:
        return any(condition.test(variables) for condition in self.conditions)

    def uses(self) -> Iterator[tuple[str, Value | None]]:
        for condition in self.conditions:
            yield from condition.uses()


def _same(current: Value | None, expected: Value) -> bool:
    """Equal values of the same kind: 5 matches 5.0, but True never matches 1 (bool is an int)."""
    if isinstance(current, bool) or isinstance(expected, bool):
        return type(current) is type(expected) and current == expected
    if isinstance(current, int | float) and isinstance(expected, int | float):
        return current == expected
    return type(current) is type(expected) and current == expected
