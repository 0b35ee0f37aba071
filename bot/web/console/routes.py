"""The console's routes: sign-in by link, the home page, the language, sign-out.

Every page a signed-in operator sees is reached through :func:`_signed_in`, which checks the
session, and that its operator still exists, on every request; every POST through
:func:`_post_form`, which checks the origin and the form token. A refused link says only that
it is not valid any more, never why (expired, used or forged).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import TYPE_CHECKING, Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.console.sessions import SignedIn
from bot.console.simulations import Simulations
from bot.console.store import ConsoleStore
from bot.engine.translation import Translator
from bot.handoff import OperatorRole
from bot.handoff.audit import refused
from bot.handoff.authority import CASE_ROLES
from bot.library import FlowLibrary

from .analytics import CSV_PATH, PAGE_PATH, AnalyticsPages
from .cases import CasePages
from .flow_map import FlowMap
from .pages import STATIC_PATH, ConsolePages
from .security import (
    CONSOLE_HEADERS,
    CSRF_FIELD,
    MAX_FORM_BYTES,
    CookiePolicy,
    read_form,
    same_origin,
)
from .simulator import Simulator

if TYPE_CHECKING:
    from bot.tg.desk import Desk

__all__ = ["CONSOLE_PATH", "SIMULATOR_ROLES", "console_routes"]

#: The console's home page; every console URL starts with it.
CONSOLE_PATH: Final = "/console"
_SIGNED_OUT_PATH = f"{CONSOLE_PATH}/signed-out"
# What the audit takes as a detail: one short lower-case word.
_PAGE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")

#: Who may use the simulator: those who edit the flows, and admins.
SIMULATOR_ROLES: Final[frozenset[OperatorRole]] = frozenset({"maintainer", "admin"})

Page = Callable[[Request, SignedIn, str], Awaitable[Response]]
Form = Callable[[Request, SignedIn, str, dict[str, str]], Awaitable[Response]]


def console_routes(
    console: ConsoleStore,
    *,
    languages: Sequence[str],
    translator: Translator | None = None,
    console_url: str | None = None,
    library: FlowLibrary | None = None,
    desk: Desk | None = None,
    simulations: Simulations | None = None,
) -> list[BaseRoute]:
    """The console's routes, all under ``/console``.

    Args:
        console: Links, sessions, operators and the audit log.
        languages: The bot's languages, the source language first.
        translator: Translates the pages' words.
        console_url: The console's public address (CONSOLE_URL), if set: posts must come from
            it (or from the host they were sent to), and over HTTPS its cookies are Secure.
        library: The running bot's flows, for the flow map (without it there is none).
        desk: The hand-off desk, for the operator pages' actions (without it, or without a
            staff group, those pages say that no advocates are set up).
        simulations: Where the simulator keeps the sessions' dialogues (a new, empty store
            by default).
    """
    pages = ConsolePages(languages, translator)
    cookies = CookiePolicy.for_url(console_url)
    signer = console.signer

    def chosen(request: Request) -> str | None:
        return request.cookies.get(cookies.language_name)

    def message(
        request: Request, heading: str, text: str, status: int, *, home_link: bool = False
    ) -> Response:
        language = pages.language(request, chosen(request))
        words = pages.words(language["code"])
        return pages.render(
            "message",
            language,
            status_code=status,
            heading=words[heading],
            text=words[text],
            home_link=home_link,
        )

    def link_refused(request: Request) -> Response:
        return message(request, "link_heading", "link_text", 403)

    def form_refused(request: Request) -> Response:
        return message(request, "form_heading", "form_text", 403, home_link=True)

    def not_signed_in(request: Request) -> Response:
        response = message(request, "signed_out_heading", "signed_out_text", 403)
        cookies.clear_session(response)
        return response

    analytics = AnalyticsPages(
        console,
        pages,
        lambda request, languages: pages.language(request, chosen(request), languages),
        console.clock,
    )

    def redirect(path: str) -> Response:
        return RedirectResponse(path, status_code=303, headers=dict(CONSOLE_HEADERS))

    async def login_page(request: Request) -> Response:
        token = request.path_params["token"]
        async with console.transaction() as tx:
            operator_id = await tx.links.operator_of(token)
            operator = None if operator_id is None else await tx.handoff.operators.get(operator_id)
        if operator is None:
            return link_refused(request)
        language = pages.language(request, chosen(request), operator.languages)
        return pages.render(
            "login", language, alias=operator.alias, action=f"{CONSOLE_PATH}/login/{token}"
        )

    async def login(request: Request) -> Response:
        if not same_origin(request, console_url):
            return form_refused(request)
        token = request.path_params["token"]
        async with console.transaction() as tx:
            operator_id = await tx.links.redeem(token)
            operator = None if operator_id is None else await tx.handoff.operators.get(operator_id)
            if operator is None:
                owner = operator_id or await tx.links.owner_of_spent(token)
                if owner is not None:  # a known link used again, or too late
                    await tx.handoff.audit.record(owner, refused("console-login"))
                session_token = None
            else:
                session_token = await tx.sessions.open(operator.user_id)
                await tx.handoff.audit.record(operator.user_id, "console-login")
                await tx.links.purge()
                await tx.sessions.purge()
        if session_token is None:
            return link_refused(request)
        response = redirect(CONSOLE_PATH)
        cookies.set_session(response, session_token)
        return response

    def role_refused(request: Request, session: SignedIn) -> Response:
        language = pages.language(request, chosen(request), session.operator.languages)
        words = pages.words(language["code"])
        return pages.render(
            "message",
            language,
            status_code=403,
            heading=words["role_refused_heading"],
            text=words["role_refused_text"],
            home_link=True,
        )

    def signed_in(
        page: Page, *, roles: Collection[OperatorRole] | None = None
    ) -> Callable[[Request], Awaitable[Response]]:
        """``page``, for a valid session only (of one of ``roles``, if given).

        The session token is passed on. Someone signed in whose role is not among ``roles`` is
        refused, and the refusal is recorded (``refused:console-view``, detail: the path's
        first part after ``/console``).
        """

        async def endpoint(request: Request) -> Response:
            token = cookies.session_of(request)
            if token is None:
                return not_signed_in(request)
            async with console.transaction() as tx:
                session = await tx.sessions.check(token)
                allowed = session is not None and (roles is None or session.operator.role in roles)
                if session is not None and not allowed:
                    await tx.handoff.audit.record(
                        session.operator.user_id,
                        refused("console-view"),
                        detail=_page_name(request.url.path),
                    )
            if session is None:
                return not_signed_in(request)
            if not allowed:
                return role_refused(request, session)
            return await page(request, session, token)

        return endpoint

    def post_form(
        page: Form,
        *,
        roles: Collection[OperatorRole] | None = None,
        max_bytes: int = MAX_FORM_BYTES,
    ) -> Callable[[Request], Awaitable[Response]]:
        """``page``, for a post from the console with its session's form token only (and of
        one of ``roles``, if given), of at most ``max_bytes``."""

        async def checked(request: Request, session: SignedIn, token: str) -> Response:
            if not same_origin(request, console_url):
                return form_refused(request)
            form = await read_form(request, max_bytes)
            if form is None or not signer.is_form_token(token, form.get(CSRF_FIELD)):
                return form_refused(request)
            return await page(request, session, token, form)

        return signed_in(checked, roles=roles)

    async def home(request: Request, session: SignedIn, token: str) -> Response:
        operator = session.operator
        async with console.transaction() as tx:
            await tx.handoff.audit.record(operator.user_id, "console-view", detail="home")
        language = pages.language(request, chosen(request), operator.languages)
        return pages.render(
            "home",
            language,
            operator=operator,
            csrf=signer.form_token(token),
            simulator=operator.role in SIMULATOR_ROLES,
            cases=operator.role in CASE_ROLES,
        )

    async def choose_language(
        request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        code = form.get("language")
        response = redirect(CONSOLE_PATH)
        if code in pages.codes:
            cookies.set_language(response, code)
        return response

    simulator = None
    if library is not None:
        simulator = Simulator(library, console, pages, chosen, console.clock, simulations)

    async def logout(
        request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        async with console.transaction() as tx:
            await tx.sessions.close(token)
        if simulator is not None:
            simulator.simulations.drop(token)  # its dialogue goes with the session
        response = redirect(_SIGNED_OUT_PATH)
        cookies.clear_session(response)
        return response

    async def signed_out(request: Request) -> Response:
        return message(request, "goodbye_heading", "signed_out_text", 200)

    flow_map: list[BaseRoute] = []
    if library is not None and simulator is not None:
        flow_map.extend(FlowMap(library, console, pages, chosen, console.clock).routes(signed_in))
        flow_map.extend(simulator.routes(signed_in, post_form, SIMULATOR_ROLES))

    return [
        *flow_map,
        Route(CONSOLE_PATH, signed_in(home), methods=["GET"]),
        Route(f"{CONSOLE_PATH}/login/{{token}}", login_page, methods=["GET"]),
        Route(f"{CONSOLE_PATH}/login/{{token}}", login, methods=["POST"]),
        Route(f"{CONSOLE_PATH}/language", post_form(choose_language), methods=["POST"]),
        Route(PAGE_PATH, signed_in(analytics.page), methods=["GET"]),
        Route(CSV_PATH, signed_in(analytics.csv), methods=["GET"]),
        *CasePages(console, pages, chosen, desk).routes(signed_in, post_form),
        Route(f"{CONSOLE_PATH}/logout", post_form(logout), methods=["POST"]),
        Route(_SIGNED_OUT_PATH, signed_out, methods=["GET"]),
        Mount(
            STATIC_PATH,
            app=StaticFiles(packages=[("bot.web", "static")]),
            name="console-static",
        ),
    ]


def _page_name(path: str) -> str:
    """The console page a path is part of, as the audit names it: ``cases`` for
    ``/console/cases/12``; ``home`` for the console itself."""
    name = path.removeprefix(CONSOLE_PATH).strip("/").split("/", 1)[0] or "home"
    return name if _PAGE_NAME.fullmatch(name) else "other"
