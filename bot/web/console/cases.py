"""The console's operator pages: the list of cases, a case, and what an advocate does on it.

``GET /console/cases``
    The cases, not closed ones unless chosen otherwise, narrowed by status, language, topic
    and advocate (a GET form), those waiting too long first, then the oldest; at most
    :data:`bot.handoff.tickets.LISTING_LIMIT`, and the page says when more match.
``GET /console/cases/{number}``
    A case: its facts, what the person shared (translated into the page's language, as the
    staff group's summary is), the relayed conversation, the notes, and the forms below.
``POST /console/cases/{number}/claim|close|note|reply|canned``
    The actions, carried out by :class:`bot.tg.desk.StaffDesk` exactly as in the staff group:
    the same authority (a claimed case is its advocate's and the admins'), the same audit, the
    person's message queued in the outbox and mirrored into the case's topic. The delivery is
    woken after the transaction, so the message goes out at once. Done: a redirect back to
    the case, which then says so (``?done=``); refused: the case again with the refusal, the
    typed text kept in its field.

For advocates only (:data:`bot.handoff.authority.CASE_ROLES`): the console's session check
refuses anyone else and records the refusal. Every view is recorded (``console-view``, detail
``cases``, or ``case`` with the case number) in the transaction that reads it.

Advocates know the person by the case number alone, as in the staff group: no page shows a
chat id, a name or a username (a username the person chose to show stays in the topic, where
the bot put it; it is never stored).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Final, Protocol

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.console.sessions import SignedIn
from bot.console.store import ConsoleStore
from bot.handoff import HandoffSession, Operator, OperatorRole, Ticket
from bot.handoff.authority import CASE_ROLES
from bot.handoff.canned import MAX_REPLY_LENGTH
from bot.handoff.relayed import MAX_SHOWN
from bot.handoff.summary import summarize
from bot.handoff.tickets import LISTING_LIMIT
from bot.i18n import language_name
from bot.web.pages import language_choice

from .cases_view import (
    CASES_PATH,
    STATUS_CHOICES,
    QueueFilter,
    aliases_of,
    bubbles,
    case_href,
    case_status,
    is_erased,
    note_views,
    queue_rows,
    text_length,
    waited,
    when,
)
from .pages import ConsolePages
from .security import CONSOLE_HEADERS, MAX_FORM_BYTES

if TYPE_CHECKING:
    from bot.tg.desk import Desk, StaffDesk

__all__ = ["CASES_PATH", "MAX_TEXT", "TEXT_FORM_BYTES", "CasePages"]

#: The longest reply, note or close reason: Telegram's limit on a message, in UTF-16 units
#: as Telegram and the browser's ``maxlength`` count.
MAX_TEXT: Final = MAX_REPLY_LENGTH
#: How large a form with one such text may be. A UTF-16 unit is at most 3 bytes of UTF-8
#: (a pair of units, 4), each URL-encoded as 3 characters: 9 per unit; and room for the form
#: token and the field names. A longer body can only come from a page that ignores
#: ``maxlength``, and is refused unread like any bad form.
TEXT_FORM_BYTES: Final = MAX_TEXT * 9 + 1024
#: What an action's redirect may say it did (``?done=``), each a word of the page.
DONE: Final = frozenset({"claimed", "closed", "noted", "replied", "canned"})
# Case numbers are BIGINTs: a larger number in the address matches no case.
_MAX_CASE_NUMBER = 2**63 - 1
_EXCERPT = 40

Page = Callable[[Request, SignedIn, str], Awaitable[Response]]
Form = Callable[[Request, SignedIn, str, dict[str, str]], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
Action = Callable[[HandoffSession, Operator, Ticket], Awaitable[str | None]]


class SignedInOnly(Protocol):
    """The console's session check (``routes.signed_in``)."""

    def __call__(self, page: Page, *, roles: Collection[OperatorRole] | None = None) -> Endpoint:
        """``page``, for a valid session of one of ``roles`` only."""


class PostedOnly(Protocol):
    """The console's check of posted forms (``routes.post_form``)."""

    def __call__(
        self,
        page: Form,
        *,
        roles: Collection[OperatorRole] | None = None,
        max_bytes: int = MAX_FORM_BYTES,
    ) -> Endpoint:
        """``page``, for a post of at most ``max_bytes`` with its session's form token, of
        one of ``roles`` only."""


#: An action on a case with a written text: a desk method such as ``StaffDesk.write_note``.
WrittenAction = Callable[
    ["StaffDesk", HandoffSession, Operator, Ticket, str], Awaitable[str | None]
]


async def _note(
    staff: StaffDesk, tx: HandoffSession, operator: Operator, ticket: Ticket, text: str
) -> str | None:
    return await staff.write_note(tx, operator, ticket, text)


async def _write(
    staff: StaffDesk, tx: HandoffSession, operator: Operator, ticket: Ticket, text: str
) -> str | None:
    return await staff.write_to_person(tx, operator, ticket, text)


def _typed(form: Mapping[str, str], name: str) -> str:
    """A text field as typed: browsers send a textarea's line breaks as CRLF."""
    return form.get(name, "").replace("\r\n", "\n").replace("\r", "\n")


def _moment(moment: datetime, zone: str, language: str) -> dict[str, str]:
    """A moment for ``<time>``: as the page shows it, and in ISO 8601."""
    return {"at": when(moment, zone, language), "iso": moment.isoformat()}


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1].rstrip() + "…"


class CasePages:
    """The operator pages (see the module's description).

    Args:
        console: Sessions, the audit log and the handoff repositories.
        pages: The console's templates and words.
        chosen: The language chosen on the console, from a request's cookie.
        desk: The hand-off desk: its settings, the actions and the outbox's wake-up. None,
            or a desk without a staff group: no advocates are set up, and the pages say so.
    """

    def __init__(
        self,
        console: ConsoleStore,
        pages: ConsolePages,
        chosen: Callable[[Request], str | None],
        desk: Desk | None,
    ) -> None:
        self._console = console
        self._pages = pages
        self._chosen = chosen
        self._desk = desk if desk is not None and desk.context.settings.staff_chat_id else None

    def routes(self, signed_in: SignedInOnly, post_form: PostedOnly) -> list[Route]:
        """The routes, each behind the console's checks, for advocates only."""
        case = f"{CASES_PATH}/{{number:int}}"

        def posted(form: Form, max_bytes: int = MAX_FORM_BYTES) -> Endpoint:
            return post_form(form, roles=CASE_ROLES, max_bytes=max_bytes)

        return [
            Route(CASES_PATH, signed_in(self.queue, roles=CASE_ROLES), methods=["GET"]),
            Route(case, signed_in(self.case, roles=CASE_ROLES), methods=["GET"]),
            Route(f"{case}/claim", posted(self.claim), methods=["POST"]),
            Route(f"{case}/close", posted(self.close, TEXT_FORM_BYTES), methods=["POST"]),
            Route(f"{case}/note", posted(self.note, TEXT_FORM_BYTES), methods=["POST"]),
            Route(f"{case}/reply", posted(self.reply, TEXT_FORM_BYTES), methods=["POST"]),
            Route(f"{case}/canned", posted(self.canned), methods=["POST"]),
        ]

    # -- pages ------------------------------------------------------------------------------

    async def queue(self, request: Request, session: SignedIn, token: str) -> Response:
        """The list of cases."""
        operator = session.operator
        language = self._language(request, session)
        code = language["code"]
        desk = self._desk
        async with self._console.transaction() as tx:
            await tx.handoff.audit.record(operator.user_id, "console-view", detail="cases")
            if desk is None:
                return self._not_set_up(language)
            now = self._console.clock()
            languages, topics = await tx.handoff.tickets.facets()
            operators = await tx.handoff.operators.list()
            advocates = [o for o in operators if o.role in CASE_ROLES]
            chosen = QueueFilter.parse(
                request.query_params,
                languages=languages,
                topics=topics,
                operators=[o.user_id for o in advocates],
            )
            entries, more = await tx.handoff.tickets.listing(
                desk.context.settings.overdue_after,
                statuses=chosen.statuses,
                language=chosen.language,
                topic=chosen.topic,
                assignee=chosen.assignee_for(operator.user_id),
                now=now,
            )
        words = self._pages.words(code)
        rows = queue_rows(
            entries,
            aliases_of(operators),
            now=now,
            language=code,
            former=words["case_former_advocate"],
        )
        return self._pages.render(
            "queue",
            language,
            csrf=self._console.signer.form_token(token),
            cases_path=CASES_PATH,
            statuses=STATUS_CHOICES,
            chosen=chosen,
            languages=[(c, language_name(c, code)) for c in languages],
            topics=topics,
            advocates=[(str(o.user_id), o.alias) for o in advocates],
            rows=rows,
            more=more,
            limit=LISTING_LIMIT,
        )

    async def case(self, request: Request, session: SignedIn, token: str) -> Response:
        """A case's page; after an action, it says what was done."""
        done = request.query_params.get("done")
        return await self._show(
            request, session, token, done=done if done in DONE else None, status_code=200
        )

    # -- actions ----------------------------------------------------------------------------

    async def claim(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Claim the case; an admin takes a claimed one over."""

        async def take(tx: HandoffSession, operator: Operator, ticket: Ticket) -> str | None:
            return await self._staff().take(tx, operator, ticket)

        return await self._act(request, session, token, "claimed", take)

    async def close(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Close the case, with the reason given, if any (the person is never told it)."""
        typed = _typed(form, "reason")
        kept = {"reason": typed}
        problem = self._too_long(request, session, typed)
        if problem is not None:
            return await self._refused(request, session, token, problem, "reason", kept, 422)

        async def close(tx: HandoffSession, operator: Operator, ticket: Ticket) -> str | None:
            return await self._staff().close_case(tx, operator, ticket, typed.strip() or None)

        return await self._act(request, session, token, "closed", close, "reason", kept)

    async def note(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Add an internal note."""
        return await self._written(request, session, token, form, "note", "noted", _note)

    async def reply(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Write to the person, as a reply in the case's topic does."""
        return await self._written(request, session, token, form, "reply", "replied", _write)

    async def canned(
        self, request: Request, session: SignedIn, token: str, form: dict[str, str]
    ) -> Response:
        """Send a canned reply, in the person's language."""
        name = form.get("name", "")
        kept = {"canned": name}
        if self._desk is not None and name not in self._desk.context.canned.names():
            words = self._words(request, session)
            problem = words["case_canned_missing"]
            return await self._refused(request, session, token, problem, "canned", kept, 422)

        async def send(tx: HandoffSession, operator: Operator, ticket: Ticket) -> str | None:
            return await self._staff().send_canned(tx, operator, ticket, name)

        return await self._act(request, session, token, "canned", send, "canned", kept)

    # -- the steps they share ---------------------------------------------------------------

    async def _written(
        self,
        request: Request,
        session: SignedIn,
        token: str,
        form: dict[str, str],
        field: str,
        done: str,
        action: WrittenAction,
    ) -> Response:
        """A form of written text (a note, a reply): checked, then ``action`` with it.

        A text that is empty or too long is refused before anything is done, and kept in the
        form under ``field``, as is a text the desk refuses.
        """
        typed = _typed(form, "text")
        kept = {field: typed}
        problem = self._text_problem(request, session, typed)
        if problem is not None:
            return await self._refused(request, session, token, problem, field, kept, 422)

        async def act(tx: HandoffSession, operator: Operator, ticket: Ticket) -> str | None:
            return await action(self._staff(), tx, operator, ticket, typed.strip())

        return await self._act(request, session, token, done, act, field, kept)

    async def _act(
        self,
        request: Request,
        session: SignedIn,
        token: str,
        done: str,
        action: Action,
        field: str | None = None,
        kept: Mapping[str, str] | None = None,
    ) -> Response:
        """Do ``action`` on the case, locked, in one transaction; then wake the delivery and
        go back to the case, or show the case with the refusal."""
        desk = self._desk
        number = request.path_params["number"]
        if desk is None or not 0 < number <= _MAX_CASE_NUMBER:
            return await self._show(request, session, token, status_code=200)
        async with self._console.transaction() as tx:
            ticket = await tx.handoff.tickets.get(number, lock=True)
            # An erased case has nothing left to act on; its page says so.
            if ticket is None or is_erased(ticket):
                refusal = None
            else:
                refusal = await action(tx.handoff, session.operator, ticket)
        if ticket is None or is_erased(ticket):
            return await self._show(request, session, token, status_code=200)
        if refusal is not None:
            return await self._refused(request, session, token, refusal, field, kept, 409)
        desk.wake()
        return RedirectResponse(
            f"{case_href(number)}?done={done}", status_code=303, headers=dict(CONSOLE_HEADERS)
        )

    async def _refused(
        self,
        request: Request,
        session: SignedIn,
        token: str,
        alert: str,
        field: str | None,
        kept: Mapping[str, str] | None,
        status_code: int,
    ) -> Response:
        return await self._show(
            request,
            session,
            token,
            alert=alert,
            field=field,
            kept=kept,
            status_code=status_code,
        )

    async def _show(
        self,
        request: Request,
        session: SignedIn,
        token: str,
        *,
        done: str | None = None,
        alert: str | None = None,
        field: str | None = None,
        kept: Mapping[str, str] | None = None,
        status_code: int,
    ) -> Response:
        """The case's page, read and recorded as viewed in one transaction."""
        operator = session.operator
        language = self._language(request, session)
        code = language["code"]
        desk = self._desk
        number = request.path_params["number"]
        async with self._console.transaction() as tx:
            audit = tx.handoff.audit
            if desk is None:
                await audit.record(operator.user_id, "console-view", detail="cases")
                return self._not_set_up(language)
            valid = 0 < number <= _MAX_CASE_NUMBER
            ticket = await tx.handoff.tickets.get(number) if valid else None
            if ticket is None:
                await audit.record(operator.user_id, "console-view", detail="case-missing")
                return self._missing(language)
            await audit.record(operator.user_id, "console-view", ticket.id, "case")
            erased = is_erased(ticket)
            messages = [] if erased else await tx.handoff.relayed.of(ticket.id)
            notes = [] if erased else await tx.handoff.tickets.notes(ticket.id)
            aliases = aliases_of(await tx.handoff.operators.list())
        context = desk.context
        settings = context.settings
        words = self._pages.words(code)
        former = words["case_former_advocate"]
        zone = settings.hours.timezone
        now = self._console.clock()
        summary = (
            []
            if erased
            else summarize(
                ticket.summary, context.engine().flows, ticket.flow, context.translator, code
            )
        )
        claim_label = None
        if not erased and ticket.status == "open":
            claim_label = words["case_claim"]
        elif (
            not erased
            and ticket.status == "claimed"
            and ticket.assignee != operator.user_id
            and operator.role == "admin"
        ):
            claim_label = words["case_take_over"]
        canned = [
            (name, _excerpt(context.canned.get(name, ticket.language) or ""))
            for name in context.canned.names()
        ]
        person_language = language_choice(ticket.language)
        person_language["name"] = language_name(ticket.language, code)
        overdue = ticket.status == "open" and now - ticket.created_at >= settings.overdue_after
        return self._pages.render(
            "case",
            language,
            status_code=status_code,
            csrf=self._console.signer.form_token(token),
            cases_path=CASES_PATH,
            case_path=case_href(ticket.id),
            heading=words["case_heading"].replace("{case}", str(ticket.id)),
            operator=operator,
            ticket=ticket,
            status=case_status(ticket),
            overdue=overdue and not erased,
            erased=erased,
            language_label=person_language["name"],
            person_language=person_language,
            opened=_moment(ticket.created_at, zone, code),
            closed=None if ticket.closed_at is None else _moment(ticket.closed_at, zone, code),
            waited=None if ticket.status == "closed" else waited(now, ticket.created_at, code),
            assignee=None if ticket.assignee is None else aliases.get(ticket.assignee, former),
            zone=zone,
            summary=summary,
            bubbles=bubbles(messages, aliases, zone=zone, language=code, former=former),
            latest_only=MAX_SHOWN if len(messages) >= MAX_SHOWN else None,
            notes=note_views(notes, aliases, zone=zone, language=code, former=former),
            claim_label=claim_label,
            writable=not erased and ticket.status != "closed",
            canned=canned,
            max_text=MAX_TEXT,
            max_text_label=format_decimal(MAX_TEXT, locale=code),
            done=done,
            alert=alert,
            field=field,
            kept=kept or {},
        )

    def _text_problem(self, request: Request, session: SignedIn, typed: str) -> str | None:
        """Why a reply or a note cannot be sent as typed, in the page's language; or None."""
        if not typed.strip():
            return self._words(request, session)["case_text_blank"]
        return self._too_long(request, session, typed)

    def _too_long(self, request: Request, session: SignedIn, typed: str) -> str | None:
        length = text_length(typed.strip())
        if length <= MAX_TEXT:
            return None
        code = self._language(request, session)["code"]
        words = self._pages.words(code)
        return (
            words["case_text_too_long"]
            .replace("{length}", format_decimal(length, locale=code))
            .replace("{limit}", format_decimal(MAX_TEXT, locale=code))
        )

    def _staff(self) -> StaffDesk:
        assert self._desk is not None, "actions run only with a desk"
        return self._desk.staff

    def _not_set_up(self, language: Mapping[str, str]) -> Response:
        words = self._pages.words(language["code"])
        return self._pages.render(
            "message",
            language,
            heading=words["cases_not_set_up_heading"],
            text=words["cases_not_set_up_text"],
            home_link=True,
        )

    def _missing(self, language: Mapping[str, str]) -> Response:
        words = self._pages.words(language["code"])
        return self._pages.render(
            "message",
            language,
            status_code=404,
            heading=words["case_missing_heading"],
            text=words["case_missing_text"],
            home_link=True,
        )

    def _language(self, request: Request, session: SignedIn) -> dict[str, str]:
        return self._pages.language(request, self._chosen(request), session.operator.languages)

    def _words(self, request: Request, session: SignedIn) -> dict[str, str]:
        return self._pages.words(self._language(request, session)["code"])
