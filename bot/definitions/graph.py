"""Draw a flow as a graph: Mermaid for pull requests and docs, Graphviz DOT for SVG and PNG.

Both formats are built from the same picture: one box per node, shaped by its type, labelled
with its id, its type, a short excerpt of its text and its validation findings; one arrow per
transition, labelled with what leads there (the option's label, the router's condition).
Output is deterministic: nodes follow the file's order and nothing depends on hashing, so a
committed graph only changes when the flow does.

Shapes (Mermaid / DOT):

========  ====================  =============================
type      Mermaid               DOT
========  ====================  =============================
message   rectangle             box
choice    hexagon               hexagon
input     parallelogram         parallelogram
router    rhombus               diamond
goto      subroutine            box with a double border
handoff   flag                  cds (a flag)
end       stadium               rounded box with a bold border
========  ====================  =============================

Nodes with errors are red, nodes with only warnings orange, both with the issue codes in the
label; nodes that state facts (``sources``) are marked with a book and their review date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.engine import FLOW_NODE, Node
from bot.engine.conditions import All, Any, Condition, Equals, In, IsSet, Not
from bot.engine.flow import Value
from bot.engine.nodes import Choice, Goto, Handoff, Input, Router

from .issues import Issue
from .loader import LoadedFlow

__all__ = ["LanguageText", "describe", "to_dot", "to_mermaid"]

#: Looks up a flow string in the language to draw: ``(node id, field, source) -> text``.
#: ``field`` is the field of :meth:`Node.texts` (``text``, ``option.<id>``...). The CLI builds
#: one from the translation catalogs; without one the graph shows the source text.
LanguageText = Callable[[str, str, str], str]

#: How many characters of a node's text the label shows.
EXCERPT_LENGTH = 40
#: Longer option labels and conditions are cut to this length on their arrows.
EDGE_LABEL_LENGTH = 60

Status = Literal["ok", "warning", "error"]

_WORD = re.compile(r"[A-Za-z0-9_.\-]+")
_MERMAID_ID = re.compile(r"[A-Za-z0-9_]+")
# Control characters other than whitespace (YAML's "\x01" escapes): invalid in SVG's XML.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- conditions ----------------------------------------------------------------------------


def describe(condition: Condition) -> str:
    """A router condition in a short, readable form.

    Args:
        condition: Any condition of :mod:`bot.engine.conditions`.

    Returns:
        For example ``location = russia``, ``location in [eu, elsewhere]``, ``set(x)``,
        ``not set(x)``, ``location != russia``, ``a and (b or c)``.
    """
    if isinstance(condition, Equals):
        return f"{condition.variable} = {_literal(condition.value)}"
    if isinstance(condition, In):
        values = ", ".join(_literal(value) for value in condition.values)
        return f"{condition.variable} in [{values}]"
    if isinstance(condition, IsSet):
        return f"set({condition.variable})"
    if isinstance(condition, Not):
        inner = condition.condition
        if isinstance(inner, Equals):
            return f"{inner.variable} != {_literal(inner.value)}"
        if isinstance(inner, In):
            values = ", ".join(_literal(value) for value in inner.values)
            return f"{inner.variable} not in [{values}]"
        if isinstance(inner, IsSet | Not):
            return f"not {describe(inner)}"
        return f"not ({describe(inner)})"
    if isinstance(condition, All | Any):
        joiner = " and " if isinstance(condition, All) else " or "
        if not condition.conditions:
            return "always" if isinstance(condition, All) else "never"
        return joiner.join(_operand(part) for part in condition.conditions)
    return type(condition).__name__


def _operand(condition: Condition) -> str:
    """A part of ``and``/``or``: compound parts in parentheses so precedence is never a guess."""
    text = describe(condition)
    if isinstance(condition, All | Any) and len(condition.conditions) > 1:
        return f"({text})"
    return text


def _literal(value: Value) -> str:
    """A value as a flow author writes it in YAML: ``true``, ``3``, ``russia``, ``"two words"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if _WORD.fullmatch(value) else json.dumps(value, ensure_ascii=False)
    return str(value)


# --- the picture, independent of the output format ----------------------------------------


@dataclass(frozen=True, slots=True)
class _Marks:
    """The symbols a format can show (Graphviz's fonts lack emoji)."""

    sources: str
    error: str
    warning: str


_MERMAID_MARKS = _Marks(sources="📚", error="⛔", warning="⚠️")
_DOT_MARKS = _Marks(sources="§", error="✖", warning="⚠")


@dataclass(frozen=True, slots=True)
class _Box:
    """A node as drawn. ``type`` is ``missing`` for a target that is not in the flow."""

    id: str
    type: str
    title: str
    lines: tuple[str, ...]
    status: Status
    fact: bool


@dataclass(frozen=True, slots=True)
class _Arrow:
    """A transition as drawn; ``broken`` when its target is not in the flow."""

    source: str
    target: str
    label: str | None
    broken: bool


@dataclass(frozen=True, slots=True)
class _Picture:
    """Everything both formats draw; ``start_lines`` hold the flow's own issues."""

    flow: str
    title: str
    start: str
    start_lines: tuple[str, ...]
    start_status: Status
    boxes: tuple[_Box, ...]
    arrows: tuple[_Arrow, ...]


def _picture(
    loaded: LoadedFlow,
    issues: Sequence[Issue],
    language_text: LanguageText | None,
    marks: _Marks,
) -> _Picture:
    flow = loaded.flow

    def text(node: str, field: str, source: str) -> str:
        return language_text(node, field, source) if language_text else source

    mine = [i for i in issues if i.path == loaded.path or i.flow == flow.id]
    by_node: dict[str, list[Issue]] = {}
    for issue in mine:
        if issue.node is not None and issue.node != FLOW_NODE:
            by_node.setdefault(issue.node, []).append(issue)

    boxes: list[_Box] = []
    arrows: list[_Arrow] = []
    missing: list[str] = []
    for node in flow.nodes.values():
        found = by_node.get(node.id, [])
        lines = [*_details(node)]
        excerpt = _text_of(node, text)
        if excerpt:
            lines.append(f"“{_excerpt(excerpt, EXCERPT_LENGTH)}”")
        if node.sources:
            count = len(node.sources)
            noun = "source" if count == 1 else "sources"
            reviewed = f"reviewed {node.reviewed.isoformat()}" if node.reviewed else "not reviewed"
            lines.append(f"{marks.sources} {count} {noun}, {reviewed}")
        lines.extend(_issue_lines(found, marks))
        title = _excerpt(f"{node.id} · {node.TYPE}", 80)
        boxes.append(
            _Box(node.id, node.TYPE, title, tuple(lines), _status(found), bool(node.sources))
        )
        for target, label in _arrows_of(node, text):
            broken = target not in flow.nodes
            if broken and target not in missing:
                missing.append(target)
            arrows.append(_Arrow(node.id, target, label, broken))

    if flow.start not in flow.nodes and flow.start not in missing:
        missing.append(flow.start)
    for target in missing:
        found = by_node.get(target, [])
        lines = ["not in this flow", *_issue_lines(found, marks)]
        title = _excerpt(f"{target} · missing", 80)
        boxes.append(_Box(target, "missing", title, tuple(lines), "error", False))

    known = set(flow.nodes) | set(missing)
    flow_level = [i for i in mine if i.node is None or i.node == FLOW_NODE or i.node not in known]
    return _Picture(
        flow=flow.id,
        title=_excerpt(text(FLOW_NODE, "title", flow.title), 80),
        start=flow.start,
        start_lines=tuple(_issue_lines(flow_level, marks)),
        start_status=_status(flow_level),
        boxes=tuple(boxes),
        arrows=tuple(arrows),
    )


def _details(node: Node) -> Iterator[str]:
    """What a node does beyond its text, in a few words."""
    if isinstance(node, Goto):
        yield f"↪ flow {node.flow}"
    elif isinstance(node, Input):
        yield f"saves {node.variable} ({node.kind})"
    elif isinstance(node, Handoff):
        yield f"topic: {node.topic}"


def _text_of(node: Node, text: LanguageText) -> str | None:
    for field in node.texts():
        if field.field == "text":
            return text(node.id, field.field, field.text)
    return None


def _arrows_of(node: Node, text: LanguageText) -> Iterator[tuple[str, str | None]]:
    """``(target, label)`` for every transition of ``node``, in the node's order."""
    if isinstance(node, Choice):
        for option in node.options:
            label = text(node.id, f"option.{option.id}", option.label)
            yield option.next, _excerpt(label, EDGE_LABEL_LENGTH)
    elif isinstance(node, Router):
        for route in node.routes:
            yield route.next, _excerpt(describe(route.when), EDGE_LABEL_LENGTH)
        yield node.default, "default"
    elif isinstance(node, Goto):
        if node.next is not None:
            yield node.next, f"after {node.flow}"
    else:
        for _field, target in node.targets():
            yield target, None


def _issue_lines(issues: Iterable[Issue], marks: _Marks) -> Iterator[str]:
    errors = sorted({i.code for i in issues if i.severity == "error"})
    warnings = sorted({i.code for i in issues if i.severity == "warning"})
    if errors:
        yield f"{marks.error} {' '.join(errors)}"
    if warnings:
        yield f"{marks.warning} {' '.join(warnings)}"


def _status(issues: Iterable[Issue]) -> Status:
    severities = {issue.severity for issue in issues}
    if "error" in severities:
        return "error"
    return "warning" if "warning" in severities else "ok"


def _excerpt(text: str, length: int) -> str:
    """``text`` on one line, cut to ``length`` characters with an ellipsis."""
    flat = " ".join(_CONTROL.sub("\ufffd", text).split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


# --- Mermaid -------------------------------------------------------------------------------

# Quoted labels may hold anything but these; Mermaid decodes ``#<number>;`` like HTML's ``&#..;``.
# ``#`` itself goes first so an escape is never escaped again.
_MERMAID_ESCAPES = {c: f"#{ord(c)};" for c in '#"<>&|`'}

_MERMAID_SHAPES = {
    "message": ('["', '"]'),
    "choice": ('{{"', '"}}'),
    "input": ('[/"', '"/]'),
    "router": ('{"', '"}'),
    "goto": ('[["', '"]]'),
    "handoff": ('>"', '"]'),
    "end": ('(["', '"])'),
    "missing": ('["', '"]'),
}

# Class names get an ``is_`` prefix in the output: ``end`` is a Mermaid keyword and ``default``
# would style every node.
_MERMAID_CLASSES = {
    "message": "fill:#ffffff,stroke:#555555",
    "choice": "fill:#e3f0ff,stroke:#2b6cb0",
    "input": "fill:#e6f6ea,stroke:#2f855a",
    "router": "fill:#fff8d6,stroke:#b7791f",
    "goto": "fill:#efe7fb,stroke:#6b46c1",
    "handoff": "fill:#fde8f1,stroke:#b83280",
    "end": "fill:#e2e8f0,stroke:#2d3748,stroke-width:2px",
    "fact": "fill:#e6fffa,stroke:#2c7a7b,stroke-width:2px",
    "warning": "fill:#ffe8c7,stroke:#dd6b20,stroke-width:2px",
    "error": "fill:#ffd6d6,stroke:#c53030,stroke-width:3px",
    "start": "fill:#1a202c,stroke:#1a202c,color:#ffffff",
}


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ESCAPES.get(c, c) for c in text)


def _mermaid_label(title: str, lines: Sequence[str]) -> str:
    return "<br>".join(_mermaid_text(line) for line in (title, *lines))


def _mermaid_ids(picture: _Picture) -> dict[str, str]:
    """Safe Mermaid ids: ``n_<id>`` when the id is plain, else ``u<number>``.

    The prefix keeps ids off Mermaid's keywords (``end``, ``graph``...) and the two forms can
    never collide; ``s0`` (the start mark) starts with neither.
    """
    ids: dict[str, str] = {}
    for box in picture.boxes:
        plain = _MERMAID_ID.fullmatch(box.id)
        ids[box.id] = f"n_{box.id}" if plain else f"u{len(ids)}"
    return ids


def _mermaid_class(box: _Box) -> str:
    if box.status != "ok":
        return box.status
    if box.type == "missing":
        return "error"
    if box.fact:
        return "fact"
    return box.type if box.type in _MERMAID_CLASSES else "message"


def to_mermaid(
    loaded: LoadedFlow,
    issues: Sequence[Issue] = (),
    language_text: LanguageText | None = None,
) -> str:
    """The flow as a Mermaid ``flowchart TD``.

    Args:
        loaded: The flow to draw.
        issues: Validation findings; those of this flow's nodes colour them and show their codes.
        language_text: Translates the flow's text; without it the source text is shown.

    Returns:
        Mermaid source ending with a newline; the same input always gives the same text.
    """
    picture = _picture(loaded, issues, language_text, _MERMAID_MARKS)
    ids = _mermaid_ids(picture)
    out = [
        "flowchart TD",
        f"    %% flow {_excerpt(picture.flow, 80)}: {_excerpt(picture.title, 80)}",
    ]
    start_label = _mermaid_label("start", picture.start_lines)
    out.append(f'    s0(["{start_label}"])')
    for box in picture.boxes:
        opening, closing = _MERMAID_SHAPES.get(box.type, _MERMAID_SHAPES["message"])
        label = _mermaid_label(box.title, box.lines)
        out.append(f"    {ids[box.id]}{opening}{label}{closing}")
    out.append(f"    s0 ==> {ids[picture.start]}")
    for arrow in picture.arrows:
        link = "-.->" if arrow.broken else "-->"
        label = f'|"{_mermaid_text(arrow.label)}"|' if arrow.label else ""
        out.append(f"    {ids[arrow.source]} {link}{label} {ids[arrow.target]}")

    members: dict[str, list[str]] = {}
    start_class = "start" if picture.start_status == "ok" else picture.start_status
    members.setdefault(start_class, []).append("s0")
    for box in picture.boxes:
        members.setdefault(_mermaid_class(box), []).append(ids[box.id])
    for name in _MERMAID_CLASSES:
        if name in members:
            out.append(f"    classDef is_{name} {_MERMAID_CLASSES[name]}")
    for name in _MERMAID_CLASSES:
        if name in members:
            out.append(f"    class {','.join(members[name])} is_{name}")
    return "\n".join(out) + "\n"


# --- Graphviz DOT --------------------------------------------------------------------------

_DOT_SHAPES: dict[str, dict[str, str]] = {
    "message": {"shape": "box", "fillcolor": "#ffffff", "color": "#555555"},
    "choice": {
        "shape": "hexagon",
        "margin": "0.02,0.02",
        "fillcolor": "#e3f0ff",
        "color": "#2b6cb0",
    },
    # Graphviz pads polygons generously around the text: a slight lean and no margin keep the
    # parallelogram close to the size of a box.
    "input": {
        "shape": "polygon",
        "sides": "4",
        "skew": "0.2",
        "margin": "0,0",
        "fillcolor": "#e6f6ea",
        "color": "#2f855a",
    },
    "router": {"shape": "diamond", "fillcolor": "#fff8d6", "color": "#b7791f"},
    "goto": {"shape": "box", "peripheries": "2", "fillcolor": "#efe7fb", "color": "#6b46c1"},
    "handoff": {"shape": "cds", "margin": "0.2,0.12", "fillcolor": "#fde8f1", "color": "#b83280"},
    "end": {
        "shape": "box",
        "style": "rounded,filled",
        "penwidth": "2",
        "fillcolor": "#e2e8f0",
        "color": "#2d3748",
    },
    "missing": {"shape": "box", "style": "dashed,filled"},
}

_DOT_FACT = {"color": "#2c7a7b", "penwidth": "2"}

_DOT_STATUS: dict[Status, dict[str, str]] = {
    "ok": {},
    "warning": {"fillcolor": "#ffe8c7", "color": "#dd6b20", "penwidth": "2"},
    "error": {"fillcolor": "#ffd6d6", "color": "#c53030", "penwidth": "3"},
}


def _dot_attributes(attributes: dict[str, str]) -> str:
    """``key="value", ...`` for a node's attribute list."""
    return ", ".join(f"{key}={_dot_id(value)}" for key, value in attributes.items())


def _dot_id(text: str) -> str:
    """A quoted DOT id or attribute value that stays on one line and distinct from any other."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # Graphviz keeps other backslashes in an id as they are, so backslashes only ever come in
    # pairs from the line above and a single one before ``x0a`` marks an escaped control
    # character: the id stays one line and distinct from every other.
    return '"' + _ANY_CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", escaped) + '"'


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label (which is XML)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;")


def _dot_label(title: str, lines: Sequence[str]) -> str:
    rows = [f"<b>{_html(title)}</b>", *(_html(line) for line in lines)]
    return "<" + "<br/>".join(rows) + ">"


def to_dot(
    loaded: LoadedFlow,
    issues: Sequence[Issue] = (),
    language_text: LanguageText | None = None,
) -> str:
    """The flow as a Graphviz ``digraph``; render it with ``dot -Tsvg``.

    Node ids in the output (and in the SVG's ``<title>`` elements) are the flow's node ids.

    Args:
        loaded: The flow to draw.
        issues: Validation findings; those of this flow's nodes colour them and show their codes.
        language_text: Translates the flow's text; without it the source text is shown.

    Returns:
        DOT source ending with a newline; the same input always gives the same text.
    """
    picture = _picture(loaded, issues, language_text, _DOT_MARKS)
    taken = {box.id for box in picture.boxes}
    start = "(start)"
    while start in taken:  # only a broken flow could have such an id, but never merge them
        start = f"({start})"
    title = f"{picture.flow}: {picture.title}"
    out = [
        f"digraph {_dot_id(picture.flow)} {{",
        f"    graph [label={_dot_label(title, ())}, labelloc=t, fontname=Helvetica,"
        " rankdir=TB, nodesep=0.4, ranksep=0.5];",
        '    node [fontname=Helvetica, fontsize=11, style=filled, margin="0.15,0.08"];',
        '    edge [fontname=Helvetica, fontsize=10, color="#4a5568"];',
    ]
    marker = {"shape": "box", "style": "rounded,filled", "fillcolor": "#1a202c"}
    marker["fontcolor"] = "#ffffff" if picture.start_status == "ok" else "#000000"
    marker.update(_DOT_STATUS[picture.start_status])
    label = _dot_label("start", picture.start_lines)
    out.append(f"    {_dot_id(start)} [label={label}, {_dot_attributes(marker)}];")
    for box in picture.boxes:
        attributes = dict(_DOT_SHAPES.get(box.type, _DOT_SHAPES["message"]))
        if box.fact:
            attributes.update(_DOT_FACT)
        attributes.update(_DOT_STATUS["error" if box.type == "missing" else box.status])
        label = _dot_label(box.title, box.lines)
        out.append(f"    {_dot_id(box.id)} [label={label}, {_dot_attributes(attributes)}];")
    out.append(f"    {_dot_id(start)} -> {_dot_id(picture.start)} [penwidth=2];")
    for arrow in picture.arrows:
        parts = [f"label=<{_html(arrow.label)}>"] if arrow.label else []
        if arrow.broken:
            parts.append('style=dashed, color="#c53030"')
        suffix = f" [{', '.join(parts)}]" if parts else ""
        out.append(f"    {_dot_id(arrow.source)} -> {_dot_id(arrow.target)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"
