"""The console's simulator: maintainers chat with a flow as a person on Telegram would.

For maintainers and admins only (:data:`~bot.web.console.routes.SIMULATOR_ROLES`); every view
is audited (``console-view``, detail ``simulator``, or ``simulator-transcript`` for a
download). The simulation itself, its flows and its recording are
:mod:`bot.console.simulations`'; this module is its web page.

``GET /console/simulator``
    Without a simulation: choose a flow and a language, and Start. With one: the dialogue so
    far as chat bubbles, then what the person can do now (the offer's buttons, a text field
    where the step takes text, the navigation, the language picker), and beside it (below, on
    a phone) where the dialogue is: flow, step, variables, return points, a Jump form, the
    transcript download, Reload, and the issues of the latest load.
``POST /console/simulator/start`` (``flow``, ``language``), ``/send`` (``turn`` and one of
``choice``, ``nav``, ``text``, ``language``), ``/jump`` (``node`` as ``flow/node``),
``/reload``
    Each reads the flows from disk where it must (Start, Reload; in a thread, off the event
    loop), acts, and redirects (303) to the page at ``#latest`` (the newest message, the
    buttons right after it), or for a Reload at ``#sim-files`` (its findings), so the
    browser's Reload and Back buttons never post twice. A post whose button is from an older
    page carries an old ``turn`` and is stale, exactly as an old Telegram button.
``GET /console/simulator/transcript.yaml``
    The recording as a transcript test, only while it replays green on the simulation's flows.

No script runs (the console's CSP allows none) and nothing reaches the database: a handoff is
only described ("an advocate would be asked…").
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.console.sessions import SignedIn
from bot.console.simulations import Simulation, SimulationError, Simulations, flow_languages
from bot.console.store import ConsoleStore
from bot.definitions import Issue
from bot.engine import (
    FLOW_NODE,
    NAVIGATION,
    Chose,
    InputRequested,
    LanguageChosen,
    Navigated,
    TypedText,
    UserInput,
)
from bot.handoff import OperatorRole
from bot.library import FlowLibrary, Project, load_project
from bot.web.pages import language_choice

from .pages import ConsolePages
from .security import CONSOLE_HEADERS

__all__ = ["MAX_TEXT", "SIMULATOR_PATH", "TRANSCRIPT_PATH", "Simulator", "shown_path"]

#: The simulator's page; its forms post below it.
SIMULATOR_PATH: Final = "/console/simulator"
#: The recording, as a transcript file.
TRANSCRIPT_PATH: Final = f"{SIMULATOR_PATH}/transcript.yaml"
_LATEST = f"{SIMULATOR_PATH}#latest"
_FILES = f"{SIMULATOR_PATH}#sim-files"  # a reload's findings, and the alert if it failed
_FILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.yaml")
#: The longest answer the text field takes: a form body is at most MAX_FORM_BYTES, and a
#: Cyrillic letter takes 6 bytes in it. An input node's own, lower, limit is not applied here,
#: so that its "too long" answer can be tried.
MAX_TEXT: Final = 600

Page = Callable[[Request, SignedIn, str], Awaitable[Response]]
Form = Callable[[Request, SignedIn, str, dict[str, str]], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class SignedInOnly(Protocol):
    """The console's session check (``routes.signed_in``)."""

    def __call__(self, page: Page, *, roles: Collection[OperatorRole] | None = None) -> Endpoint:
        """``page``, for a valid session of one of ``roles`` only."""


class PostedOnly(Protocol):
    """The console's check of posted forms (``routes.post_form``)."""

    def __call__(self, page: Form, *, roles: Collection[OperatorRole] | None = None) -> Endpoint:
        """``page``, for a post with its session's form token, of one of ``roles`` only."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def shown_path(path: str, flows_dir: Path) -> str:
    """An issue's file as the page shows it: relative to the flows directory (or beside it,
    for the catalogs), never the machine's full path."""
    file = Path(path)
    for base in (flows_dir, flows_dir.parent):
        try:
            return file.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            continue
    return file.name


class Simulator:
    """The simulator's routes (see the module's description).

    Args:
        library: The running bot's flows: where its files are (read again at Start and
            Reload) and, when those have errors, the good flows a new simulation starts on.
        console: Sessions and the audit log.
        pages: The console's templates and words.
        chosen: The language chosen on the console, from a request's cookie.
        clock: The current time (timezone-aware).
        simulations: Where simulations are held; a new store by default.
    """

    def __init__(
        self,
        library: FlowLibrary,
        console: ConsoleStore,
        pages: ConsolePages,
        chosen: Callable[[Request], str | None],
        clock: Callable[[], datetime] | None = None,
        simulations: Simulations | None = None,
    ) -> None:
        self._library = library
        self._console = console
        self._pages = pages
        self._chosen = chosen
        # Not ``simulations or ...``: an empty store has a length of 0, so it is falsy.
        if simulations is None:
            simulations = Simulations(clock or _utc_now)
        self.simulations = simulations

    def routes(
        self, signed_in: SignedInOnly, post_form: PostedOnly, roles: Collection[OperatorRole]
    ) -> list[Route]:
        """The routes, each behind the console's checks, for ``roles`` only."""
        return [
            Route(SIMULATOR_PATH, signed_in(self.page, roles=roles), methods=["GET"]),
            Route(TRANSCRIPT_PATH, signed_in(self.transcript, roles=roles), methods=["GET"]),
            Route(f"{SIMULATOR_PATH}/start", post_form(self.start, roles=roles), methods=["POST"]),
            Route(f"{SIMULATOR_PATH}/send", post_form(self.send, roles=roles), methods=["POST"]),
            Route(f"{SIMULATOR_PATH}/jump", post_form(self.jump, roles=roles), methods=["POST"]),
            Route(
                f"{SIMULATOR_PATH}/reload", post_form(self.reload, roles=roles), methods=["POST"]
            ),
        ]

    # -- pages ------------------------------------------------------------------------------

    async def page(self, request: Request, session: SignedIn, token: str) -> Response:
        """The start form, or the running simulation."""
        await self._audit(session, "simulator")
        language = self._language(request, session)
        simulation = self.simulations.get(token)
        project = simulation.project if simulation is not None else self._library.project
        context: dict[str, object] = {
            "simulation": simulation,
            "start": self._start_form(project, language["code"], simulation),
            "issues": self._issues(simulation.issues if simulation is not None else ()),
        }
        if simulation is not None:
            context.update(self._chat(simulation, language["code"]))
            problem = simulation.problem
            simulation.problem = None  # said once
            context["problem"] = problem
        context["csrf"] = self._console.signer.form_token(token)
        return self._pages.render("simulator", language, status_code=200, **context)

    async def transcript(self, request: Request, session: SignedIn, token: str) -> Response:
        """The recording as a transcript file, if it replays green; else a page saying why."""
        await self._audit(session, "simulator-transcript")
        simulation = self.simulations.get(token)
        saved = simulation.transcript() if simulation is not None else None
        if saved is None:
            language = self._language(request, session)
            words = self._pages.words(language["code"])
            return self._pages.render(
                "message",
                language,
                status_code=409,
                heading=words["sim_transcript_heading"],
                text=words["sim_transcript_missing"],
                home_link=True,
            )
        text, name = saved
        if not _FILE_NAME.fullmatch(name):
            name = "simulation.yaml"  # only what needs no quoting in the header
        headers = {**CONSOLE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(text, media_type="application/yaml; charset=utf-8", headers=headers)

    # -- forms ------------------------------------------------------------------------------

    async def start(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Start the chosen flow in the chosen language, on the flows as they are on disk."""
        simulation = self.simulations.load(token, await self._load(), self._library.project)
        try:
            simulation.start(form.get("flow", ""), form.get("language", ""))
        except SimulationError:
            simulation.problem = "start"
        return _redirect(_LATEST)

    async def send(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """One thing the person did: a button, a navigation, a text, a language."""
        simulation = self.simulations.get(token)
        if simulation is not None and simulation.state is not None:
            user_input = _input(form, simulation)
            if user_input is not None:
                simulation.send(user_input)
        return _redirect(_LATEST)

    async def jump(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Continue the dialogue at the chosen node."""
        simulation = self.simulations.get(token)
        if simulation is not None:
            flow, _, node = form.get("node", "").partition("/")
            try:
                simulation.jump(flow, node)
            except SimulationError:
                simulation.problem = "jump"
        return _redirect(_LATEST)

    async def reload(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Read the flows and translations from disk again."""
        self.simulations.load(token, await self._load(), self._library.project)
        return _redirect(_FILES)

    # -- inside -----------------------------------------------------------------------------

    async def _load(self) -> Project:
        """The flows and catalogs as they are on disk now (files read in a thread)."""
        library = self._library
        return await asyncio.to_thread(load_project, [library.flows_dir], library.locales_dir)

    async def _audit(self, session: SignedIn, page: str) -> None:
        async with self._console.transaction() as tx:
            await tx.handoff.audit.record(session.operator.user_id, "console-view", detail=page)

    def _language(self, request: Request, session: SignedIn) -> dict[str, str]:
        return self._pages.language(request, self._chosen(request), session.operator.languages)

    def _start_form(
        self, project: Project, page_language: str, simulation: Simulation | None
    ) -> dict[str, object]:
        flows = [
            {"id": flow_id, "title": _title(project, flow_id, page_language)}
            for flow_id in project.flow_set.flows
        ]
        codes: list[str] = []
        for flow_id in project.flow_set.flows:
            codes.extend(c for c in flow_languages(project, flow_id) if c not in codes)
        state = simulation.state if simulation is not None else None
        flow: str | None
        if state is not None and state.root in project.flow_set.flows:
            flow, language = state.root, state.language
        else:
            ids = list(project.flow_set.flows)
            flow = "start" if "start" in ids else next(iter(ids), None)
            language = page_language
        if language not in codes and codes:
            language = codes[0]
        return {
            "flows": flows,
            "flow": flow,
            "languages": [language_choice(code) for code in codes],
            "language": language,
        }

    def _issues(self, issues: Sequence[Issue]) -> list[dict[str, object]]:
        ordered = sorted(issues, key=lambda i: (i.severity != "error", i.sort_key()))
        return [
            {
                "severity": issue.severity,
                "code": issue.code,
                "where": shown_path(issue.path, self._library.flows_dir)
                + (f":{issue.line}" if issue.line else ""),
                "message": issue.message,
                "language": issue.language,
            }
            for issue in ordered
        ]

    def _chat(self, simulation: Simulation, page_language: str) -> dict[str, object]:
        """What the chat view and the side panel show of a running simulation."""
        state = simulation.state
        if state is None:
            return {}
        project = simulation.project
        flows = project.flow_set.flows
        offer = simulation.offer
        active = state.status == "active"
        navigation = [
            {"action": action, "label": simulation.navigation_label(action)}
            for action in (offer.navigation if offer is not None else NAVIGATION)
        ]
        problem = simulation.replay_problem()
        saved = simulation.transcript() if problem is None else None
        return {
            "dialogue": {
                "flow": state.root,
                "title": _title(project, state.root, page_language),
                "language": language_choice(state.language),
            },
            "entries": list(simulation.entries),
            "active": active,
            "turn": state.turn,
            "offer": offer,
            "takes_text": isinstance(offer, InputRequested),
            "max_text": MAX_TEXT,
            "navigation": navigation,
            "restart_label": simulation.navigation_label("restart"),
            "picker": [language_choice(code) for code in simulation.languages]
            if simulation.picker
            else [],
            "where": {
                "flow": state.flow,
                "flow_title": _title(project, state.flow, page_language)
                if state.flow in flows
                else state.flow,
                "node": state.node,
                "node_href": f"/console/flows/{quote(state.flow, safe='')}/"
                f"{quote(state.node, safe='')}",
                "variables": [(name, _value(value)) for name, value in state.variables.items()],
                "stack": [f"{frame.flow}/{frame.node}" for frame in state.stack],
            },
            "jump_flows": _jump_choices(project, state.flow, page_language),
            "jump_current": f"{state.flow}/{state.node}",
            "transcript_name": saved[1] if saved is not None else None,
            "unrecorded": simulation.unrecorded,
            "replay_failure": problem if simulation.recording else None,
        }


def _title(project: Project, flow_id: str, language: str) -> str:
    flow = project.flow_set.flows[flow_id].flow
    if language == flow.language:
        return flow.title
    return project.catalogs.flow_text(language, f"{flow.id}/{FLOW_NODE}/title", flow.title)


def _jump_choices(project: Project, current: str, language: str) -> list[dict[str, object]]:
    """Every node of every flow, the current flow's first, for the Jump form's select."""
    flows = project.flow_set.flows
    order = [current] if current in flows else []
    order += [flow_id for flow_id in flows if flow_id != current]
    return [
        {
            "id": flow_id,
            "title": _title(project, flow_id, language),
            "nodes": [f"{flow_id}/{node}" for node in flows[flow_id].flow.nodes],
        }
        for flow_id in order
    ]


def _input(form: Mapping[str, str], simulation: Simulation) -> UserInput | None:
    """What a posted form of the chat view did, or None if it did nothing a person can do."""
    try:
        turn: int | None = int(form.get("turn", ""))
    except ValueError:
        turn = None
    if "choice" in form and turn is not None:
        return Chose(turn, form["choice"])
    action = form.get("nav")
    if action is not None:
        for known in NAVIGATION:
            if action == known:
                return Navigated(known, turn)
        return None
    if "language" in form and form["language"] in simulation.languages:
        return LanguageChosen(form["language"])
    text = form.get("text", "").strip()
    if text:
        return TypedText(text[:MAX_TEXT])
    return None


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303, headers=dict(CONSOLE_HEADERS))
