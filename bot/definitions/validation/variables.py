"""Variable checks: declared, used with values of their type, written somewhere, sane rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.engine.nodes import Input

from ..issues import Issue
from ..loader import LoadedFlow
from .context import ValidationContext

__all__ = ["check_validation_rules", "check_variables"]


def check_variables(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E120 undeclared, E121 mistyped, W122 read but written by no flow of the set."""
    flow = loaded.flow
    written_anywhere = {
        use.name
        for other in ctx.flow_set.flows.values()
        for node in other.flow.nodes.values()
        for use in node.variable_uses()
        if use.access == "write"
    }
    for node in flow.nodes.values():
        for use in node.variable_uses():
            variable = flow.variables.get(use.name)
            if variable is None:
                message = f"undeclared variable {use.name!r}: declare it under 'variables'"
                yield ctx.issue(loaded, "E120", message, node.id, use.field)
                continue
            if use.kind is not None and use.kind != variable.type:
                message = (
                    f"variable {use.name!r} is {variable.type}, but this {node.TYPE} gives"
                    f" a {use.kind}"
                )
                yield ctx.issue(loaded, "E121", message, node.id, use.field)
            if use.value is not None and not variable.accepts(use.value):
                expected = (
                    f"one of {', '.join(variable.values)}"
                    if variable.type == "enum"
                    else f"a {variable.type}"
                )
                message = f"{use.value!r} does not fit variable {use.name!r} ({expected})"
                yield ctx.issue(loaded, "E121", message, node.id, use.field)
            if use.access == "read" and use.name not in written_anywhere:
                message = f"variable {use.name!r} is read but no node ever sets it"
                yield ctx.issue(loaded, "W122", message, node.id, use.field)


def check_validation_rules(loaded: LoadedFlow, ctx: ValidationContext) -> Iterator[Issue]:
    """E123: a pattern that does not compile, or rules that do not fit the input's kind."""
    for node in loaded.flow.nodes.values():
        if not isinstance(node, Input):
            continue
        rules = node.validation
        if rules.pattern is not None:
            if node.kind != "text":
                message = "'pattern' applies to text inputs only"
                yield ctx.issue(loaded, "E123", message, node.id, "validation.pattern")
            try:
                re.compile(rules.pattern)
            except re.error as error:
                message = f"pattern does not compile: {error}"
                yield ctx.issue(loaded, "E123", message, node.id, "validation.pattern")
        if (rules.min is not None or rules.max is not None) and node.kind != "number":
            message = "'min' and 'max' apply to number inputs only"
            yield ctx.issue(loaded, "E123", message, node.id, "validation")
        if rules.min is not None and rules.max is not None and rules.min > rules.max:
            message = f"min {rules.min} is greater than max {rules.max}"
            yield ctx.issue(loaded, "E123", message, node.id, "validation")
        if node.max_length < 1:
            message = "max_length must be at least 1"
            yield ctx.issue(loaded, "E123", message, node.id, "max_length")
