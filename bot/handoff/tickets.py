"""Tickets and their internal notes: opening, claiming, closing, reopening, the queue.

Every method runs inside the caller's transaction (see :class:`bot.handoff.HandoffStore`).
Methods that change a ticket return whether they changed it, so a caller can tell the operator
who pressed Claim second that somebody was faster; none raises for a missing ticket.

What people and advocates wrote (a ticket's summary and close reason, a note's text) is sealed
(:mod:`bot.privacy.sealing`) on the way in and opened on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from sqlalchemy import Table, case, exists, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.engine.flow import Value
from bot.storage import Clock

from ._sql import dump_json, insert_for, rowcount
from .records import Note, QueueEntry, Summary, Ticket, TicketStatus, check_user_id
from .tables import NOT_CLOSED, TicketNoteRow, TicketRow

if TYPE_CHECKING:
    from bot.privacy.sealing import Sealer

__all__ = ["LISTING_LIMIT", "UNASSIGNED", "OpenTicketExists", "Tickets"]

#: :meth:`Tickets.listing` returns at most this many tickets unless told otherwise.
LISTING_LIMIT: Final = 200
#: :meth:`Tickets.listing`'s ``assignee`` for the tickets nobody has claimed.
UNASSIGNED: Final = "unassigned"

_TICKETS = cast(Table, TicketRow.__table__)  # type: ignore[attr-defined]
_NOTES = cast(Table, TicketNoteRow.__table__)  # type: ignore[attr-defined]

# open() inserts unless the chat has a not-closed ticket, else reads that one. Only a ticket
# closed between the two statements sends it round again; a third round would need a ticket
# opened and closed within microseconds, twice.
_OPEN_ROUNDS = 3


class OpenTicketExists(Exception):
    """A closed ticket cannot be reopened: its chat already has another one that is not closed.

    Attributes:
        ticket_id: The ticket that was to be reopened.
        open_ticket_id: The chat's not-closed ticket, to point the operator to.
    """

    def __init__(self, ticket_id: int, open_ticket_id: int | None) -> None:
        """Record both case numbers (the open one is None if it closed meanwhile)."""
        super().__init__(f"ticket {ticket_id}: its chat has another not-closed ticket")
        self.ticket_id = ticket_id
        self.open_ticket_id = open_ticket_id


class Tickets:
    """The tickets repository of one transaction; get it as ``HandoffSession.tickets``."""

    def __init__(self, connection: AsyncConnection, clock: Clock, sealer: Sealer) -> None:
        """Work on ``connection``, which is inside a transaction; timestamps come from ``clock``,
        and ``sealer`` seals and opens the free text."""
        self._connection = connection
        self._clock = clock
        self._sealer = sealer

    async def open(
        self,
        chat_id: int,
        *,
        topic: str,
        language: str,
        summary: Iterable[tuple[str, Value]],
        flow: str,
        node: str,
    ) -> tuple[Ticket, bool]:
        """Open a ticket for the chat, unless it already has one that is not closed.

        The database allows one not-closed ticket per chat, so concurrent calls for one chat
        (two /human presses, two workers) end with a single ticket.

        Args:
            chat_id: The user's private chat.
            topic: What the handoff is about (the flow's ``topic``).
            language: The user's language.
            summary: The ``(variable, value)`` pairs the flow shares with the advocate.
            flow: The flow the ticket is opened in.
            node: The node it is opened at.

        Returns:
            The ticket and True if it was opened now; or the chat's existing not-closed ticket
            as it is (the new topic and summary are not merged in) and False.

        Raises:
            ValueError: An empty topic or language, or a summary that is not name/value pairs.
        """
        if not topic or not language:
            raise ValueError("a ticket needs a topic and a language")
        stored_summary = self._sealer.seal(_dump_summary(summary))
        now = self._clock()
        for _ in range(_OPEN_ROUNDS):
            statement = (
                insert_for(self._connection)(_TICKETS)
                .values(
                    chat_id=chat_id,
                    topic=topic,
                    language=language,
                    status="open",
                    summary=stored_summary,
                    flow=flow,
                    node=node,
                    username_revealed=False,
                    user_blocked=False,
                    created_at=now,
                    updated_at=now,
                )
                # ON CONFLICT rather than catching IntegrityError: on PostgreSQL a failed INSERT
                # aborts the caller's whole transaction. It also waits for a concurrent open
                # of the same chat to commit, so the SELECT below then sees that ticket.
                .on_conflict_do_nothing(
                    index_elements=["chat_id"], index_where=sql_text(NOT_CLOSED)
                )
                .returning(*_TICKETS.c)
            )
            row = (await self._connection.execute(statement)).mappings().one_or_none()
            if row is not None:
                return _ticket(row, self._sealer), True
            existing = await self.open_for(chat_id)
            if existing is not None:
                return existing, False
        raise RuntimeError("the chat's tickets kept changing while a ticket was being opened")

    async def get(self, ticket_id: int, *, lock: bool = False) -> Ticket | None:
        """The ticket with this case number, or None.

        ``lock`` keeps others from changing it until the transaction ends (PostgreSQL; SQLite
        has one writer anyway), so what is decided on its status still holds at commit.
        """
        return await self._one(_TICKETS.c.id == ticket_id, lock=lock)

    async def open_for(self, chat_id: int, *, lock: bool = False) -> Ticket | None:
        """The chat's ticket that is not closed (open or claimed), or None; ``lock`` as in
        :meth:`get`."""
        condition = (_TICKETS.c.chat_id == chat_id) & (_TICKETS.c.status != "closed")
        return await self._one(condition, lock=lock)

    async def for_thread(
        self, thread_id: int, chat_id: int, *, lock: bool = False
    ) -> Ticket | None:
        """The ticket whose forum topic is ``thread_id`` in the staff group ``chat_id``, or None.

        Thread ids are only unique within one group: after a deployment moved to a new staff
        group, the same id there is another topic, maybe another case's. So only a ticket whose
        topic was recorded in ``chat_id`` matches; one whose group is unknown (recorded before
        groups were) never does. Should two match, the newest wins. ``lock`` as in :meth:`get`.
        """
        statement = (
            select(_TICKETS)
            .where((_TICKETS.c.thread_id == thread_id) & (_TICKETS.c.thread_chat_id == chat_id))
            .order_by(_TICKETS.c.id.desc())
            .limit(1)
        )
        result = await self._connection.execute(statement.with_for_update() if lock else statement)
        row = result.mappings().one_or_none()
        return None if row is None else _ticket(row, self._sealer)

    async def set_thread(self, ticket_id: int, thread_id: int, chat_id: int) -> bool:
        """Record the ticket's forum topic: ``thread_id`` in the staff group ``chat_id``.

        A ticket keeps its first topic in a group; a topic in another group, or in an unknown
        one, is replaced (the deployment moved, and the case has a new topic in the new group).

        Returns:
            True if recorded; False if the ticket is missing or has a topic in ``chat_id``
            already (a retried ``createForumTopic`` made a second one, which the caller may
            delete).
        """
        # IS DISTINCT FROM: a NULL group (unknown) differs from every group.
        elsewhere = _TICKETS.c.thread_chat_id.is_distinct_from(chat_id)
        return await self._update(
            (_TICKETS.c.id == ticket_id) & (_TICKETS.c.thread_id.is_(None) | elsewhere),
            thread_id=thread_id,
            thread_chat_id=chat_id,
        )

    async def claim(self, ticket_id: int, operator_id: int) -> bool:
        """Assign an open ticket to an operator.

        Of operators claiming at once exactly one wins: the UPDATE re-checks the status after
        waiting for a concurrent claim. The caller checks that ``operator_id`` is an operator.

        Returns:
            True if this call claimed it; False if it is claimed already (by anyone, the same
            operator included), closed, or missing.
        """
        check_user_id(operator_id)
        now = self._clock()
        return await self._update(
            (_TICKETS.c.id == ticket_id) & (_TICKETS.c.status == "open"),
            status="claimed",
            assignee=operator_id,
            claimed_at=now,
        )

    async def close(self, ticket_id: int, reason: str | None = None) -> bool:
        """Close a ticket that is open or claimed; its assignee stays on record.

        Args:
            ticket_id: The case number.
            reason: What the operator said when closing (blank means none).

        Returns:
            True if it was closed now; False if it was closed already, or is missing.
        """
        reason = reason.strip() if reason is not None else None
        return await self._update(
            (_TICKETS.c.id == ticket_id) & (_TICKETS.c.status != "closed"),
            status="closed",
            closed_at=self._clock(),
            close_reason=self._sealer.seal(reason) if reason else None,
        )

    async def reopen(self, ticket_id: int) -> bool:
        """Reopen a closed ticket: claimed again by its assignee if it had one, else open.

        Returns:
            True if reopened; False if it is not closed, is missing, or was erased (it no
            longer knows whose it was).

        Raises:
            OpenTicketExists: The chat has another ticket that is not closed (the database
                refuses a second one). The transaction stays usable.
        """
        current = await self.get(ticket_id)
        if current is None or current.status != "closed":
            return False
        status: TicketStatus = "open" if current.assignee is None else "claimed"
        try:
            # A savepoint, so the refusal can be reported without aborting the caller's
            # transaction (PostgreSQL aborts it on any failed statement).
            async with self._connection.begin_nested():
                changed = await self._update(
                    (_TICKETS.c.id == ticket_id)
                    & (_TICKETS.c.status == "closed")
                    & _TICKETS.c.erased_at.is_(None),
                    status=status,
                    closed_at=None,
                    close_reason=None,
                    # A reopened case that waits again may be reminded about again.
                    overdue_notified_at=None,
                )
        except IntegrityError as error:
            other = await self.open_for(current.chat_id)
            raise OpenTicketExists(ticket_id, other.id if other else None) from error
        return changed

    async def add_note(self, ticket_id: int, operator_id: int, text: str) -> Note | None:
        """Add an internal note (the staff's only; never relayed to the user).

        Returns:
            The note; None if the ticket is missing.

        Raises:
            ValueError: A blank note.
        """
        if not text.strip():
            raise ValueError("a note cannot be blank")
        check_user_id(operator_id)
        if not await self._exists(ticket_id):
            return None
        statement = (
            _NOTES.insert()
            .values(
                ticket_id=ticket_id,
                operator_id=operator_id,
                text=self._sealer.seal(text),
                created_at=self._clock(),
            )
            .returning(*_NOTES.c)
        )
        return _note((await self._connection.execute(statement)).mappings().one(), self._sealer)

    async def notes(self, ticket_id: int) -> list[Note]:
        """The ticket's notes, oldest first."""
        result = await self._connection.execute(
            select(_NOTES).where(_NOTES.c.ticket_id == ticket_id).order_by(_NOTES.c.id)
        )
        return [_note(row, self._sealer) for row in result.mappings()]

    async def queue(
        self, overdue_after: timedelta, now: datetime | None = None
    ) -> list[QueueEntry]:
        """The tickets that are not closed, oldest first, each marked overdue or not.

        Args:
            overdue_after: How long an open ticket may wait for a claim.
            now: The moment to judge by; the clock's now by default.

        Returns:
            The queue; a ticket is overdue if it is still unclaimed ``overdue_after`` after it
            was opened.
        """
        moment = now or self._clock()
        result = await self._connection.execute(
            select(_TICKETS)
            .where(_TICKETS.c.status != "closed")
            .order_by(_TICKETS.c.created_at, _TICKETS.c.id)
        )
        tickets = [_ticket(row, self._sealer) for row in result.mappings()]
        return [
            QueueEntry(t, t.status == "open" and moment - t.created_at >= overdue_after)
            for t in tickets
        ]

    async def listing(
        self,
        overdue_after: timedelta,
        *,
        statuses: Collection[TicketStatus] = ("open", "claimed"),
        language: str | None = None,
        topic: str | None = None,
        assignee: int | Literal["unassigned"] | None = None,
        limit: int = LISTING_LIMIT,
        now: datetime | None = None,
    ) -> tuple[list[QueueEntry], bool]:
        """The tickets that match, the overdue ones first, for the console's list of cases.

        Unlike :meth:`queue`, it can list closed tickets too (the console looks back at them),
        narrows in the database and is bounded, as closed tickets pile up until retention.

        Order: overdue tickets (open ``overdue_after`` or longer), then the other tickets that
        are not closed, both oldest first; then the closed ones, the last closed first (the
        recent ones are those an advocate looks for).

        Args:
            overdue_after: How long an open ticket may wait for a claim.
            statuses: Only tickets in one of these.
            language: Only tickets in this language.
            topic: Only tickets about this topic.
            assignee: Only the tickets of this operator (claimed, or closed after a claim), or
                with :data:`UNASSIGNED` only those nobody claimed; None: anyone's.
            limit: At most this many tickets.
            now: The moment to judge by; the clock's now by default.

        Returns:
            The tickets, each marked overdue or not, and whether more matched than ``limit``.
        """
        if limit < 1:
            raise ValueError("a listing holds at least one ticket")
        moment = now or self._clock()
        columns = _TICKETS.c
        condition: Any = columns.status.in_(list(statuses))
        if language is not None:
            condition &= columns.language == language
        if topic is not None:
            condition &= columns.topic == topic
        if assignee == UNASSIGNED:
            condition &= columns.assignee.is_(None)
        elif assignee is not None:
            condition &= columns.assignee == assignee
        overdue = (columns.status == "open") & (columns.created_at <= moment - overdue_after)
        closed = columns.status == "closed"
        statement = (
            select(_TICKETS)
            .where(condition)
            .order_by(
                case((overdue, 0), else_=1),
                case((closed, 1), else_=0),
                # NULL for every ticket that is not closed: only the closed ones are ordered.
                case((closed, columns.closed_at), else_=None).desc(),
                columns.created_at,
                columns.id,
            )
            .limit(limit + 1)
        )
        rows = (await self._connection.execute(statement)).mappings().all()
        tickets = [_ticket(row, self._sealer) for row in rows[:limit]]
        entries = [
            QueueEntry(t, t.status == "open" and moment - t.created_at >= overdue_after)
            for t in tickets
        ]
        return entries, len(rows) > limit

    async def facets(self) -> tuple[list[str], list[str]]:
        """The languages and the topics of all tickets, each sorted: what a list of tickets
        can be narrowed by. An erased ticket keeps its language and topic, so they count."""
        languages = await self._connection.execute(select(_TICKETS.c.language).distinct())
        topics = await self._connection.execute(select(_TICKETS.c.topic).distinct())
        return sorted(languages.scalars()), sorted(topics.scalars())

    async def mark_overdue_notified(self, ticket_id: int) -> bool:
        """Record that the user was told nobody has claimed the ticket yet.

        Returns:
            True the first time for an open ticket; False otherwise, so of two workers noticing
            the same overdue ticket only one tells the user.
        """
        return await self._update(
            (_TICKETS.c.id == ticket_id)
            & (_TICKETS.c.status == "open")
            & _TICKETS.c.overdue_notified_at.is_(None),
            overdue_notified_at=self._clock(),
        )

    async def set_user_blocked(self, ticket_id: int, blocked: bool = True) -> bool:
        """Record whether the user has blocked the bot (Telegram answered 403).

        Returns:
            True if the flag changed.
        """
        return await self._update(
            (_TICKETS.c.id == ticket_id) & (_TICKETS.c.user_blocked != blocked),
            user_blocked=blocked,
        )

    async def reveal_username(self, ticket_id: int) -> bool:
        """Record that the user chose to show their username on this (not closed) ticket.

        The username itself is never stored: the relay reads it from the user's own update.

        Returns:
            True the first time; False if already revealed, closed, or missing.
        """
        return await self._update(
            (_TICKETS.c.id == ticket_id)
            & (_TICKETS.c.status != "closed")
            & _TICKETS.c.username_revealed.is_(False),
            username_revealed=True,
        )

    async def _one(self, condition: Any, *, lock: bool = False) -> Ticket | None:
        statement = select(_TICKETS).where(condition)
        result = await self._connection.execute(statement.with_for_update() if lock else statement)
        row = result.mappings().one_or_none()
        return None if row is None else _ticket(row, self._sealer)

    async def _exists(self, ticket_id: int) -> bool:
        statement = select(exists().where(_TICKETS.c.id == ticket_id))
        return bool((await self._connection.execute(statement)).scalar())

    async def _update(self, condition: Any, **values: Any) -> bool:
        # The condition holds the state the change starts from, so racing changes re-check it
        # (PostgreSQL re-evaluates WHERE after waiting for a row lock) and only one applies.
        statement = update(_TICKETS).where(condition).values(updated_at=self._clock(), **values)
        return rowcount(await self._connection.execute(statement)) == 1


def _dump_summary(summary: Iterable[tuple[str, Value]]) -> str:
    pairs: list[list[Value]] = []
    for pair in summary:
        try:
            name, value = pair
        except (TypeError, ValueError):
            raise ValueError("a summary holds (variable, value) pairs") from None
        # bool is an int, so booleans pass, as they should; None is never a variable's value.
        if not isinstance(name, str) or not isinstance(value, str | int | float):
            raise ValueError("a summary holds (variable, value) pairs")
        pairs.append([name, value])
    return dump_json(pairs)


def _load_summary(raw: str) -> Summary:
    if not raw:  # an erased ticket's
        return ()
    return tuple((str(name), value) for name, value in json.loads(raw))


def _ticket(row: RowMapping, sealer: Sealer) -> Ticket:
    reason = row["close_reason"]
    return Ticket(
        id=row["id"],
        chat_id=row["chat_id"],
        topic=row["topic"],
        language=row["language"],
        status=row["status"],
        assignee=row["assignee"],
        thread_id=row["thread_id"],
        thread_chat_id=row["thread_chat_id"],
        summary=_load_summary(sealer.open(row["summary"])),
        flow=row["flow"],
        node=row["node"],
        username_revealed=bool(row["username_revealed"]),
        user_blocked=bool(row["user_blocked"]),
        close_reason=None if reason is None else sealer.open(reason),
        created_at=row["created_at"],
        claimed_at=row["claimed_at"],
        closed_at=row["closed_at"],
        updated_at=row["updated_at"],
        overdue_notified_at=row["overdue_notified_at"],
    )


def _note(row: RowMapping, sealer: Sealer) -> Note:
    return Note(
        id=row["id"],
        ticket_id=row["ticket_id"],
        operator_id=row["operator_id"],
        text=sealer.open(row["text"]),
        created_at=row["created_at"],
    )
