"""What a ticket shares, in words an advocate can read at a glance, in the operator's language.

A ``TicketOpened`` event carries raw values (``location: "russia"``, ``has_passport: True``):
the flow's ids, not what the person saw. An advocate needs the question and the answer the person
picked, so each value is traced back to the node that set it:

* a value set by a choice option shows the choice's question and that option's label;
* a value typed into an input shows the input's question and the answer as written (free text
  untouched, numbers in the operator's notation, yes/no translated);
* anything else (a variable no node in the flows writes) shows as ``name: value``.

Questions and labels are translated into the operator's language with the same catalogs that
translated them for the user, so a Russian-speaking person's answers read in German for a German
advocate. Everything here is pure: the same inputs give the same lines.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from bot.engine.flow import Flow, Value
from bot.engine.node import Node
from bot.engine.nodes.choice import Choice, Option
from bot.engine.nodes.input import NO, YES, Input
from bot.engine.translation import Translator

__all__ = ["SummaryLine", "format_value", "render_summary", "summarize"]

# What precedes an answer in render_summary(): an arrow needs no translation.
_ANSWER_MARK = "→ "


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One shared fact: what was asked (or the variable's name) and the answer, both as text."""

    label: str
    value: str


def summarize(
    variables: Sequence[tuple[str, Value]],
    flows: Mapping[str, Flow],
    flow_id: str,
    translator: Translator,
    language: str,
) -> list[SummaryLine]:
    """Describe the shared variables of a ticket for an advocate, in the advocate's language.

    A variable's value is explained by, in this order of preference:

    1. a choice option whose ``set`` gives the variable exactly this value, anywhere in
       ``flows`` (``flow_id`` first, then the others by id; within a flow, in node order):
       the choice's question and the option's label;
    2. an input node that fills the variable: its question and the value as written;
    3. a choice node that sets the variable, but never to this value (the flow changed since):
       its question and the raw value;
    4. nothing: the variable's name and the raw value.

    Two variables set by the same option would give the same line twice; it is shown once.

    Args:
        variables: ``TicketOpened.variables``: names and values, in the flow's order.
        flows: Every loaded flow by id (a value may have been set in an earlier flow).
        flow_id: The flow that opened the ticket; its nodes win over other flows'. It need not
            be among ``flows`` (a ticket opened with /human outside any flow).
        translator: The catalogs (``flow_text`` for questions and labels, ``ui_text`` for
            Yes/No).
        language: The operator's language, as in ``Catalogs.languages`` or the source ``"en"``;
            it must be a locale Babel knows.

    Returns:
        One line per variable (fewer when two lines coincide), in the order given.
    """
    ordered = _preferred(flows, flow_id)
    lines: list[SummaryLine] = []
    for name, value in variables:
        line = _describe(name, value, ordered, translator, language)
        if line not in lines:
            lines.append(line)
    return lines


def render_summary(lines: Sequence[SummaryLine]) -> str:
    """The summary as plain text for one message: each question, then its answer on an arrow.

    The question and the answer go on separate lines because questions can be long; a blank
    line separates one fact from the next. The text is not escaped: the Telegram adapter
    escapes it for HTML like any other text.

    Args:
        lines: What :func:`summarize` returned.

    Returns:
        The text, or ``""`` when nothing was shared (the caller says so in its own words).
    """
    return "\n\n".join(f"{line.label}\n{_ANSWER_MARK}{line.value}" for line in lines)


def format_value(value: Value, translator: Translator, language: str) -> str:
    """A value as an advocate should read it in ``language``.

    Args:
        value: A variable's value.
        translator: For the words Yes and No (``bot.po``).
        language: A locale Babel knows (``"de"``, ``"en"``).

    Returns:
        Yes/No for a boolean, a number in the language's notation (``1,5`` in German, ``10 000``
        in Russian), text exactly as written.
    """
    # bool first: True is also an int, and must not be written as "1".
    if isinstance(value, bool):
        return translator.ui_text(language, YES if value else NO)
    if isinstance(value, int | float):
        return format_decimal(value, locale=language)
    return value


def _describe(
    name: str, value: Value, flows: Sequence[Flow], translator: Translator, language: str
) -> SummaryLine:
    picked = next(_options_setting(name, value, flows), None)
    if picked is not None:
        flow, choice, option = picked
        context = f"{flow.id}/{choice.id}/option.{option.id}"
        return SummaryLine(
            _question(flow, choice.id, choice.text, translator, language),
            translator.flow_text(language, context, option.label),
        )
    shown = format_value(value, translator, language)
    for flow, node in _nodes(flows):
        if isinstance(node, Input) and node.variable == name:
            return SummaryLine(_question(flow, node.id, node.text, translator, language), shown)
    for flow, node in _nodes(flows):
        if isinstance(node, Choice) and any(name in option.set for option in node.options):
            return SummaryLine(_question(flow, node.id, node.text, translator, language), shown)
    return SummaryLine(name, shown)


def _options_setting(
    name: str, value: Value, flows: Sequence[Flow]
) -> Iterator[tuple[Flow, Choice, Option]]:
    for flow, node in _nodes(flows):
        if isinstance(node, Choice):
            for option in node.options:
                if name in option.set and _same(option.set[name], value):
                    yield flow, node, option


def _nodes(flows: Sequence[Flow]) -> Iterator[tuple[Flow, Node]]:
    for flow in flows:
        for node in flow.nodes.values():
            yield flow, node


def _preferred(flows: Mapping[str, Flow], flow_id: str) -> list[Flow]:
    """The flow that opened the ticket first, then the rest by id: the load order of the flow
    files must not change what an advocate reads."""
    first = [flows[flow_id]] if flow_id in flows else []
    return first + [flows[key] for key in sorted(flows) if key != flow_id]


def _same(a: Value, b: Value) -> bool:
    """Equal and of the same kind: ``True == 1`` in Python, but a yes is not the number one."""
    return _kind(a) == _kind(b) and a == b


def _kind(value: Value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "text"


def _question(flow: Flow, node: str, text: str, translator: Translator, language: str) -> str:
    return translator.flow_text(language, f"{flow.id}/{node}/text", text)
