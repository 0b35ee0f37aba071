"""The console's flow map: every flow the bot runs, drawn, with its traffic and its problems.

Three pages, for signed-in operators only, each view audited (``console-view``, detail
``flows``, ``flow`` or ``node``):

``/console/flows``
    The flows, with their node and issue counts.
``/console/flows/{flow}``
    The flow drawn by Graphviz (:mod:`.svg`): a box per node, filled by how many
    conversations reached it in the last :data:`PERIOD` (darker is more), labelled with how
    many stopped there, outlined and labelled with the codes of its validation issues, each a
    link to its node's page. The same numbers follow as a list, which is all there is where
    Graphviz is not installed.
``/console/flows/{flow}/{node}``
    A node's text in the source language and every translation, the sources and review date
    of what it states, its issues and its numbers.

The flows are the running bot's (:attr:`bot.library.FlowLibrary.project`): after a reload the
map shows the new ones. A bot never runs flows with errors, so the issues shown are warnings,
such as a review that is too old. The numbers are counted from the pseudonymous analytics
events (:func:`bot.analytics.report.read_report`); nothing here names a person.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from urllib.parse import quote

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.analytics.report import NodeCount, read_report
from bot.console.sessions import SignedIn
from bot.console.store import ConsoleStore
from bot.definitions import Issue, LoadedFlow
from bot.definitions.graph import describe
from bot.definitions.validation import DEFAULT_REVIEW_AGE_DAYS
from bot.engine import FLOW_NODE, Node
from bot.engine.nodes import Choice, Goto, Handoff, Input, Router
from bot.library import FlowLibrary
from bot.web.pages import language_choice

from .pages import ConsolePages
from .svg import SvgRenderer

__all__ = ["FLOWS_PATH", "PERIOD", "FlowMap", "NodeRow", "flow_dot", "traffic_level"]

#: The flow map's pages start here.
FLOWS_PATH: Final = "/console/flows"
#: The traffic shown is that of this many days up to now.
PERIOD: Final = timedelta(days=30)
#: Fill colours by traffic, from not reached to the most reached node of the flow; black text
#: reads on each of them (contrast above 7:1). console.css repeats them for the legend.
TRAFFIC_COLOURS: Final = ("#ffffff", "#e3f0ff", "#bcd9ff", "#94c2ff", "#6aa8ff")
#: Outline colours of nodes with issues (the codes are in the label as well).
_OUTLINES = {"error": "#c53030", "warning": "#b45309"}
_MARKS = {"error": "✖", "warning": "⚠"}  # Graphviz's fonts have these, not emoji
_SHAPES = {
    "message": "box",
    "choice": "hexagon",
    "input": "parallelogram",
    "router": "diamond",
    "goto": "box",
    "handoff": "cds",
    "end": "box",
}
_EXCERPT = 40

Page = Callable[[Request, SignedIn, str], Awaitable[Response]]
SignedInOnly = Callable[[Page], Callable[[Request], Awaitable[Response]]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def traffic_level(reached: int, most: int) -> int:
    """The index in :data:`TRAFFIC_COLOURS` of a node ``reached`` times when the flow's most
    reached node was reached ``most`` times: 0 only when nobody reached it."""
    if reached <= 0 or most <= 0:
        return 0
    steps = len(TRAFFIC_COLOURS) - 1
    return max(1, min(steps, -(-reached * steps // most)))  # ceiling: any traffic shows


@dataclass(frozen=True, slots=True)
class NodeRow:
    """A node as the map shows it: what it is, its numbers and its issues."""

    id: str
    type: str
    excerpt: str
    reached: int
    stopped: int
    issues: tuple[Issue, ...]
    href: str
    level: int

    @property
    def drop_off(self) -> int | None:
        """The share of the conversations that reached the node and stopped there, in %."""
        return round(100 * self.stopped / self.reached) if self.reached else None

    @property
    def status(self) -> str:
        """``error``, ``warning`` or ``ok``: the worst of its issues."""
        severities = {issue.severity for issue in self.issues}
        return next((s for s in ("error", "warning") if s in severities), "ok")

    @property
    def codes(self) -> str:
        """Its issue codes, as the drawing labels them."""
        return " ".join(sorted({issue.code for issue in self.issues}))


def _excerpt(text: str, length: int = _EXCERPT) -> str:
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def _text_of(node: Node) -> str:
    return next((field.text for field in node.texts() if field.field == "text"), "")


def _href(flow: str, node: str | None = None) -> str:
    path = f"{FLOWS_PATH}/{quote(flow, safe='')}"
    return path if node is None else f"{path}/{quote(node, safe='')}"


def _issues_of(loaded: LoadedFlow, issues: Sequence[Issue]) -> list[Issue]:
    return [i for i in issues if i.flow == loaded.flow.id or i.path == loaded.path]


def _rows(
    loaded: LoadedFlow, issues: Sequence[Issue], counts: Sequence[NodeCount]
) -> list[NodeRow]:
    flow = loaded.flow
    numbers = {count.node: count for count in counts if count.flow == flow.id}
    most = max((count.reached for count in numbers.values()), default=0)
    rows = []
    for node in flow.nodes.values():
        count = numbers.get(node.id)
        reached, stopped = (count.reached, count.stopped) if count else (0, 0)
        rows.append(
            NodeRow(
                id=node.id,
                type=node.TYPE,
                excerpt=_excerpt(_text_of(node)),
                reached=reached,
                stopped=stopped,
                issues=tuple(i for i in issues if i.node == node.id),
                href=_href(flow.id, node.id),
                level=traffic_level(reached, most),
            )
        )
    return rows


def _arrows(node: Node) -> Iterator[tuple[str, str | None]]:
    """``(target, label)`` for every transition of ``node``, as ``haven flows graph`` draws."""
    if isinstance(node, Choice):
        for option in node.options:
            yield option.next, _excerpt(option.label)
    elif isinstance(node, Router):
        for route in node.routes:
            yield route.next, _excerpt(describe(route.when))
        yield node.default, "default"
    else:
        for _field, target in node.targets():
            yield target, None


def _dot_string(text: str) -> str:
    """A quoted DOT string on one line."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_html(text: str) -> str:
    """Text for a Graphviz HTML-like label (which is XML)."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def flow_dot(loaded: LoadedFlow, rows: Sequence[NodeRow], words: Mapping[str, str]) -> str:
    """The flow as Graphviz DOT: each node filled by its traffic, outlined by its issues,
    labelled with its numbers and linked to its page.

    Args:
        loaded: The flow.
        rows: Its nodes as :func:`_rows` gives them, in the file's order.
        words: The page's words (``flows_reached``, ``flows_stopped``) in the operator's language.
    """
    flow = loaded.flow
    out = [
        f"digraph {_dot_string(flow.id)} {{",
        "    graph [rankdir=TB, nodesep=0.35, ranksep=0.45, bgcolor=white];",
        '    node [fontname=Helvetica, fontsize=11, style=filled, margin="0.15,0.08",'
        ' color="#4a5568", fontcolor="#14191f"];',
        '    edge [fontname=Helvetica, fontsize=10, color="#4a5568", fontcolor="#14191f"];',
    ]
    for row in rows:
        lines = [f"<b>{_dot_html(row.id)}</b> · {_dot_html(row.type)}"]
        if row.excerpt:
            lines.append(_dot_html(f"“{row.excerpt}”"))
        numbers = f"{words['flows_reached']} {row.reached} · {words['flows_stopped']} {row.stopped}"
        if row.drop_off is not None:
            numbers += f" ({row.drop_off}%)"
        lines.append(_dot_html(numbers))
        attributes = {
            "shape": _SHAPES.get(row.type, "box"),
            "fillcolor": TRAFFIC_COLOURS[row.level],
            "URL": row.href,
            "tooltip": f"{row.id} · {row.type}",
            "target": "_self",
        }
        if row.type == "end":
            attributes["style"] = "rounded,filled"
        if row.status != "ok":
            lines.append(_dot_html(f"{_MARKS[row.status]} {row.codes}"))
            attributes["color"] = _OUTLINES[row.status]
            attributes["penwidth"] = "4"
            attributes["style"] = "filled,bold"
        label = "<br/>".join(lines)
        written = ", ".join(f"{key}={_dot_string(value)}" for key, value in attributes.items())
        out.append(f"    {_dot_string(row.id)} [label=<{label}>, {written}];")
    for node in flow.nodes.values():
        for target, arrow_label in _arrows(node):
            if target not in flow.nodes:
                continue  # only a flow with errors has such a target, and the bot runs none
            suffix = f" [label=<{_dot_html(arrow_label)}>]" if arrow_label else ""
            out.append(f"    {_dot_string(node.id)} -> {_dot_string(target)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"


def _details(node: Node) -> str | None:
    """What a node does beyond its text, in a few (untranslated, technical) words."""
    if isinstance(node, Goto):
        return f"flow {node.flow}"
    if isinstance(node, Input):
        return f"{node.variable} ({node.kind})"
    if isinstance(node, Handoff):
        return f"topic {node.topic}"
    return None


class FlowMap:
    """The flow map's pages (see the module's description).

    Args:
        library: The running bot's flows, catalogs and issues.
        console: Sessions, the audit log, and the storage the numbers are read from.
        pages: The console's templates and words.
        chosen: The language chosen on the console, from a request's cookie.
        clock: The current time (timezone-aware).
        renderer: Draws the flows; by default with Graphviz's ``dot``.
    """

    def __init__(
        self,
        library: FlowLibrary,
        console: ConsoleStore,
        pages: ConsolePages,
        chosen: Callable[[Request], str | None],
        clock: Callable[[], datetime] | None = None,
        renderer: SvgRenderer | None = None,
    ) -> None:
        self._library = library
        self._console = console
        self._pages = pages
        self._chosen = chosen
        self._clock = clock or _utc_now
        self._renderer = renderer or SvgRenderer()

    def routes(self, signed_in: SignedInOnly) -> list[Route]:
        """The routes, each behind the console's session check ``signed_in``."""
        return [
            Route(FLOWS_PATH, signed_in(self.flows), methods=["GET"]),
            Route(f"{FLOWS_PATH}/{{flow}}", signed_in(self.flow), methods=["GET"]),
            Route(f"{FLOWS_PATH}/{{flow}}/{{node}}", signed_in(self.node), methods=["GET"]),
        ]

    async def flows(self, request: Request, session: SignedIn, token: str) -> Response:
        """The list of flows."""
        await self._audit(session, "flows")
        project = self._library.project
        language = self._language(request, session)
        rows = []
        for loaded in project.flow_set.flows.values():
            found = _issues_of(loaded, project.issues)
            rows.append(
                {
                    "id": loaded.flow.id,
                    "title": self._title(loaded, language["code"]),
                    "href": _href(loaded.flow.id),
                    "nodes": len(loaded.flow.nodes),
                    "errors": sum(1 for i in found if i.severity == "error"),
                    "warnings": sum(1 for i in found if i.severity == "warning"),
                }
            )
        return self._render("flows", language, token, flows=rows)

    async def flow(self, request: Request, session: SignedIn, token: str) -> Response:
        """One flow, drawn and listed."""
        language = self._language(request, session)
        loaded = self._library.project.flow_set.flows.get(request.path_params["flow"])
        if loaded is None:
            return await self._not_found(session, language)
        counts = await self._audit(session, "flow", loaded.flow.id)
        words = self._pages.words(language["code"])
        issues = _issues_of(loaded, self._library.project.issues)
        rows = _rows(loaded, issues, counts)
        title = self._title(loaded, language["code"])
        drawing = await self._renderer.render(flow_dot(loaded, rows, words), label=title)
        return self._render(
            "flow",
            language,
            token,
            flow_id=loaded.flow.id,
            title=title,
            # sanitise_svg wrote it from allowed elements and attributes only, all escaped
            svg=Markup(drawing) if drawing is not None else None,
            rows=rows,
            flow_issues=[i for i in issues if i.node in (None, FLOW_NODE)],
            days=PERIOD.days,
            colours=range(len(TRAFFIC_COLOURS)),
        )

    async def node(self, request: Request, session: SignedIn, token: str) -> Response:
        """One node: its texts in every language, sources, review, issues and numbers."""
        language = self._language(request, session)
        loaded = self._library.project.flow_set.flows.get(request.path_params["flow"])
        node = None if loaded is None else loaded.flow.nodes.get(request.path_params["node"])
        if loaded is None or node is None:
            return await self._not_found(session, language)
        flow = loaded.flow
        counts = await self._audit(session, "node", flow.id)
        issues = _issues_of(loaded, self._library.project.issues)
        [row] = [row for row in _rows(loaded, issues, counts) if row.id == node.id]
        catalogs = self._library.catalogs
        texts = []
        for field in node.texts():
            context = f"{flow.id}/{node.id}/{field.field}"
            versions = []
            for code in self._library.languages:
                if code == flow.language:
                    text, state = field.text, "source"
                else:
                    text = catalogs.flow_text(code, context, field.text)
                    state = catalogs.status(code, context, field.text)
                versions.append({"language": language_choice(code), "text": text, "state": state})
            texts.append({"field": field.field, "versions": versions})
        reviewed: date | None = node.reviewed
        due = reviewed + timedelta(days=DEFAULT_REVIEW_AGE_DAYS) if reviewed else None
        targets = [
            {"id": target, "label": label, "href": _href(flow.id, target)}
            for target, label in _arrows(node)
            if target in flow.nodes
        ]
        return self._render(
            "node",
            language,
            token,
            flow_id=flow.id,
            flow_title=self._title(loaded, language["code"]),
            flow_href=_href(flow.id),
            row=row,
            details=_details(node),
            texts=texts,
            sources=node.sources,
            states_fact=bool(node.sources) or reviewed is not None,
            reviewed=reviewed.isoformat() if reviewed else None,
            due=due.isoformat() if due else None,
            targets=targets,
        )

    async def _audit(
        self, session: SignedIn, page: str, flow: str | None = None
    ) -> list[NodeCount]:
        """Record the view; with ``flow``, also count its nodes' traffic (same transaction)."""
        now = self._clock()
        async with self._console.transaction() as tx:
            await tx.handoff.audit.record(session.operator.user_id, "console-view", detail=page)
            if flow is None:
                return []
            report = await read_report(tx.handoff.storage, now=now, since=now - PERIOD, flow=flow)
        return list(report.nodes)

    async def _not_found(self, session: SignedIn, language: Mapping[str, str]) -> Response:
        await self._audit(session, "flow-missing")
        words = self._pages.words(language["code"])
        return self._pages.render(
            "message",
            language,
            status_code=404,
            heading=words["flows_missing_heading"],
            text=words["flows_missing_text"],
            home_link=True,
        )

    def _language(self, request: Request, session: SignedIn) -> dict[str, str]:
        return self._pages.language(request, self._chosen(request), session.operator.languages)

    def _title(self, loaded: LoadedFlow, language: str) -> str:
        flow = loaded.flow
        if language == flow.language:
            return flow.title
        context = f"{flow.id}/{FLOW_NODE}/title"
        return self._library.catalogs.flow_text(language, context, flow.title)

    def _render(
        self, template: str, language: Mapping[str, str], token: str, **context: object
    ) -> Response:
        context["csrf"] = self._console.signer.form_token(token)
        context["flows_path"] = FLOWS_PATH
        return self._pages.render(template, language, status_code=200, **context)
