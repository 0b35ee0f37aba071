"""What the operator pages show, built from the handoff records: pure, no I/O.

The list's filters as the query string gives them (:class:`QueueFilter`), its rows
(:func:`queue_rows`), and a case's conversation and notes (:func:`bubbles`, :func:`note_views`),
with times in the deployment's time zone (the working hours'), in the page's language. Nothing
here reads a chat id: a row or a bubble holds only what an advocate may see.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta

from bot.handoff import Note, Operator, QueueEntry, Ticket, TicketStatus
from bot.handoff.relayed import RelayedMessage, Sender
from bot.handoff.tables import ERASED_CHAT_ID
from bot.handoff.tickets import UNASSIGNED
from bot.i18n import language_name

__all__ = [
    "ASSIGNEE_ME",
    "ASSIGNEE_NOBODY",
    "CASES_PATH",
    "STATUS_CHOICES",
    "Bubble",
    "NoteView",
    "QueueFilter",
    "QueueRow",
    "aliases_of",
    "bubbles",
    "case_href",
    "case_status",
    "is_erased",
    "note_views",
    "queue_rows",
    "text_length",
    "waited",
    "when",
]

#: The list of cases; a case's page is below it.
CASES_PATH: Final = "/console/cases"
#: The list's status choices, the default first: each a key of :data:`_STATUSES`.
STATUS_CHOICES: Final = ("active", "open", "claimed", "closed")
_STATUSES: Mapping[str, tuple[TicketStatus, ...]] = {
    "active": ("open", "claimed"),
    "open": ("open",),
    "claimed": ("claimed",),
    "closed": ("closed",),
}
#: The assignee choice of the cases nobody has claimed.
ASSIGNEE_NOBODY: Final = "nobody"
#: The assignee choice of the signed-in operator's own cases.
ASSIGNEE_ME: Final = "me"


def case_href(number: int) -> str:
    """The page of case ``number``."""
    return f"{CASES_PATH}/{number}"


def is_erased(ticket: Ticket) -> bool:
    """Whether the case's content was erased (/forget, or its retention ended)."""
    return ticket.chat_id == ERASED_CHAT_ID


def case_status(ticket: Ticket) -> str:
    """``open``, ``claimed``, ``closed`` or ``erased``: the word key the pages show."""
    return "erased" if is_erased(ticket) else ticket.status


def text_length(text: str) -> int:
    """A text's length as Telegram and a browser's ``maxlength`` count it: in UTF-16 units."""
    return len(text.encode("utf-16-le")) // 2


def when(moment: datetime, zone: str, language: str) -> str:
    """A moment on the deployment's clock, short, in ``language`` (e.g. ``01.03.26, 13:00``)."""
    return format_datetime(moment, "short", tzinfo=ZoneInfo(zone), locale=language)


def waited(now: datetime, since: datetime, language: str) -> str:
    """How long from ``since`` to ``now``, e.g. ``2 h`` or ``35 min``, as /queue says it."""
    return format_timedelta(now - since, granularity="minute", format="narrow", locale=language)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The list's choices, as the query string gives them.

    Attributes:
        status: One of :data:`STATUS_CHOICES`.
        language: Only cases in this language; None: all.
        topic: Only cases about this topic; None: all.
        assignee: ``""`` (anyone), :data:`ASSIGNEE_NOBODY`, :data:`ASSIGNEE_ME`, or an
            operator's user id in digits.
    """

    status: str = STATUS_CHOICES[0]
    language: str | None = None
    topic: str | None = None
    assignee: str = ""

    @classmethod
    def parse(
        cls,
        query: Mapping[str, str],
        *,
        languages: Collection[str],
        topics: Collection[str],
        operators: Collection[int],
    ) -> QueueFilter:
        """The choices of ``query``; a value that is not offered is the default instead (it
        can only come from an edited address, and an error page would help nobody)."""
        status = query.get("status", "")
        language = query.get("language") or None
        topic = query.get("topic") or None
        assignee = query.get("assignee", "")
        offered = {"", ASSIGNEE_NOBODY, ASSIGNEE_ME} | {str(user_id) for user_id in operators}
        return cls(
            status=status if status in _STATUSES else STATUS_CHOICES[0],
            language=language if language in languages else None,
            topic=topic if topic in topics else None,
            assignee=assignee if assignee in offered else "",
        )

    @property
    def statuses(self) -> tuple[TicketStatus, ...]:
        """The ticket statuses listed."""
        return _STATUSES[self.status]

    def assignee_for(self, me: int) -> int | Literal["unassigned"] | None:
        """The assignee to narrow by, for the operator ``me``: as :meth:`Tickets.listing`
        takes it."""
        if self.assignee == ASSIGNEE_NOBODY:
            return UNASSIGNED
        if self.assignee == ASSIGNEE_ME:
            return me
        return int(self.assignee) if self.assignee else None


@dataclass(frozen=True, slots=True)
class QueueRow:
    """A case in the list.

    Attributes:
        number: The case number.
        href: Its page.
        status: ``open``, ``claimed``, ``closed`` or ``erased``.
        language: Its language code.
        language_name: That language's name, in the page's language.
        topic: What it is about.
        waited: How long it has waited since it was opened; None once closed.
        assignee: The alias of its advocate; None: nobody has claimed it.
        overdue: It has waited for an advocate too long.
    """

    number: int
    href: str
    status: str
    language: str
    language_name: str
    topic: str
    waited: str | None
    assignee: str | None
    overdue: bool


def queue_rows(
    entries: Sequence[QueueEntry],
    aliases: Mapping[int, str],
    *,
    now: datetime,
    language: str,
    former: str,
) -> list[QueueRow]:
    """The list's rows, in the order of ``entries``.

    Args:
        entries: The listed tickets.
        aliases: Operators' aliases by user id.
        now: The moment waits are counted to.
        language: The page's language.
        former: What stands for an advocate who is no operator any more.
    """
    rows = []
    for entry in entries:
        ticket = entry.ticket
        assignee = None if ticket.assignee is None else aliases.get(ticket.assignee, former)
        rows.append(
            QueueRow(
                number=ticket.id,
                href=case_href(ticket.id),
                status=case_status(ticket),
                language=ticket.language,
                language_name=language_name(ticket.language, language),
                topic=ticket.topic,
                waited=None
                if ticket.status == "closed"
                else waited(now, ticket.created_at, language),
                assignee=assignee,
                overdue=entry.overdue,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Bubble:
    """A message of the conversation as the case page shows it.

    Attributes:
        sender: ``person`` or ``advocate``.
        author: The advocate's alias; None for the person.
        kind: ``text``, or the media's kind (the media itself is never kept).
        text: The words, or a media's caption; None for media without one.
        at: When it was relayed, as the page shows it.
        iso: The same moment for ``<time datetime>``.
    """

    sender: Sender
    author: str | None
    kind: str
    text: str | None
    at: str
    iso: str


def bubbles(
    messages: Sequence[RelayedMessage],
    aliases: Mapping[int, str],
    *,
    zone: str,
    language: str,
    former: str,
) -> list[Bubble]:
    """The conversation, oldest first; an advocate signs with their alias (``former`` for one
    who has been removed)."""
    return [
        Bubble(
            sender=message.sender,
            author=None
            if message.operator_id is None
            else aliases.get(message.operator_id, former),
            kind=message.kind,
            text=message.text,
            at=when(message.created_at, zone, language),
            iso=message.created_at.isoformat(),
        )
        for message in messages
    ]


@dataclass(frozen=True, slots=True)
class NoteView:
    """An internal note as the case page shows it."""

    author: str
    text: str
    at: str
    iso: str


def note_views(
    notes: Sequence[Note],
    aliases: Mapping[int, str],
    *,
    zone: str,
    language: str,
    former: str,
) -> list[NoteView]:
    """The notes, oldest first, each with its author's alias."""
    return [
        NoteView(
            author=aliases.get(note.operator_id, former),
            text=note.text,
            at=when(note.created_at, zone, language),
            iso=note.created_at.isoformat(),
        )
        for note in notes
    ]


def aliases_of(operators: Sequence[Operator]) -> dict[int, str]:
    """Operators' aliases by user id."""
    return {operator.user_id: operator.alias for operator in operators}
