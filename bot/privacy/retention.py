"""Retention: how long each kind of data is kept, and the sweeper that deletes what expired.

Each sensitivity class is a table and a clock that starts with the row's last use:

``conversations``
    A person's place in a flow and their answers, ``RETENTION_CONVERSATION_DAYS`` after they
    last wrote. A conversation whose person has a case still open is kept: the case may
    resume it.
``tickets``
    A closed case's content, ``RETENTION_CLOSED_TICKET_DAYS`` after it closed: erased as by
    /forget (:func:`bot.privacy.erasure.erase_ticket`), its topic in the staff group deleted
    too. Its anonymous row (topic, language, times) is kept for the counts.
``outbox``
    A delivered or given-up relay, ``RETENTION_OUTBOX_DAYS`` after it was queued; it may hold
    an advocate's words. Pending ones are never purged: they have yet to be sent.
``chat_messages``
    The message ids kept for /hide: 48 hours, Telegram's own limit on deleting them, so not
    configurable.
``handled_updates``
    The update ids that recognise a redelivery: 7 days (Telegram keeps an undelivered update
    for 24 hours; the week is a wide margin). Not configurable either.
``audit_log``
    Operators' actions, ``RETENTION_AUDIT_DAYS`` after they happened.
``events``
    The pseudonymous analytics events (:mod:`bot.analytics`), ``RETENTION_EVENTS_DAYS`` after
    they happened.
``console_links`` and ``console_sessions``
    The web console's sign-in links and sessions (:mod:`bot.console`), once they have expired
    (10 minutes; 12 hours at most): each row carries its own end.

:func:`purge` deletes (or, as a dry run, lists) the expired rows of every class;
:func:`run_sweeper` runs it at start and every hour beside the bot. Neither ever reports
content: a dry run lists row ids and ages only, and no chat id (``chat_messages`` rows are
listed without an id, as theirs names the chat).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.analytics.tables import EventRow
from bot.console.tables import ConsoleLinkRow, ConsoleSessionRow
from bot.handoff import HandoffStore
from bot.handoff._sql import rowcount
from bot.handoff.store import _connection_of  # to join the transaction, as repositories do
from bot.handoff.tables import AuditRow, OutboxRow, TicketRow
from bot.storage import Clock, Storage
from bot.storage.message_log import DELETABLE_FOR
from bot.storage.tables import ChatMessageRow, ConversationRow, HandledUpdateRow

from .erasure import erase_ticket

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "CHAT_MESSAGE_MEMORY",
    "CLASSES",
    "SWEEP_INTERVAL",
    "UPDATE_MEMORY",
    "ClassPurge",
    "ExpiredRow",
    "PurgeReport",
    "RetentionPolicy",
    "purge",
    "run_sweeper",
]

log = logging.getLogger(__name__)

CHAT_MESSAGE_MEMORY = DELETABLE_FOR
"""How long a private chat's message ids are kept: Telegram lets a bot delete them that long."""

UPDATE_MEMORY = timedelta(days=7)
"""How long a handled update id is remembered (Telegram redelivers for 24 hours at most)."""

SWEEP_INTERVAL = 3600.0
"""How often the sweeper runs, in seconds (and once at start)."""

CLASSES = (
    "conversations",
    "tickets",
    "outbox",
    "chat_messages",
    "handled_updates",
    "audit_log",
    "events",
    "console_links",
    "console_sessions",
)
"""The sensitivity classes, each named after its table, in the order they are purged."""

AT_EXPIRY = timedelta(0)
"""The period of rows that carry their own end (``expires_at``): they go once it has passed."""

_CONVERSATIONS = cast(Table, ConversationRow.__table__)  # type: ignore[attr-defined]
_TICKETS = cast(Table, TicketRow.__table__)  # type: ignore[attr-defined]
_OUTBOX = cast(Table, OutboxRow.__table__)  # type: ignore[attr-defined]
_MESSAGES = cast(Table, ChatMessageRow.__table__)  # type: ignore[attr-defined]
_UPDATES = cast(Table, HandledUpdateRow.__table__)  # type: ignore[attr-defined]
_AUDIT = cast(Table, AuditRow.__table__)  # type: ignore[attr-defined]
_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]
_LINKS = cast(Table, ConsoleLinkRow.__table__)  # type: ignore[attr-defined]
_SESSIONS = cast(Table, ConsoleSessionRow.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each configurable class is kept (the others have fixed periods above).

    Attributes:
        conversation: After a conversation's last change.
        closed_ticket: After a case closed, until its content is erased.
        outbox: After a delivered or given-up message was queued.
        audit: After an audit record was written.
        events: After an analytics event was recorded.
    """

    conversation: timedelta = timedelta(days=30)
    closed_ticket: timedelta = timedelta(days=90)
    outbox: timedelta = timedelta(days=1)
    audit: timedelta = timedelta(days=365)
    events: timedelta = timedelta(days=365)

    def __post_init__(self) -> None:
        """Refuse a period that would delete what is still in use."""
        periods = (self.conversation, self.closed_ticket, self.outbox, self.audit, self.events)
        if min(periods) <= timedelta(0):
            raise ValueError("retention periods must be positive")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        """The periods of the ``RETENTION_*_DAYS`` settings."""
        return cls(
            conversation=timedelta(days=settings.retention_conversation_days),
            closed_ticket=timedelta(days=settings.retention_closed_ticket_days),
            outbox=timedelta(days=settings.retention_outbox_days),
            audit=timedelta(days=settings.retention_audit_days),
            events=timedelta(days=settings.retention_events_days),
        )

    def period(self, name: str) -> timedelta:
        """How long the class ``name`` (one of :data:`CLASSES`) is kept.

        Raises:
            KeyError: Not a class.
        """
        periods = {
            "conversations": self.conversation,
            "tickets": self.closed_ticket,
            "outbox": self.outbox,
            "chat_messages": CHAT_MESSAGE_MEMORY,
            "handled_updates": UPDATE_MEMORY,
            "audit_log": self.audit,
            "events": self.events,
            "console_links": AT_EXPIRY,
            "console_sessions": AT_EXPIRY,
        }
        return periods[name]


@dataclass(frozen=True, slots=True)
class ExpiredRow:
    """A row past its period: its id (None where the id would name a person) and age."""

    id: int | None
    age: timedelta


@dataclass(frozen=True, slots=True)
class ClassPurge:
    """What a purge did (or would do) to one class.

    Attributes:
        name: The class, one of :data:`CLASSES` (its table's name).
        period: How long the class is kept.
        count: How many rows were deleted (cases: erased), or would be in a dry run.
        rows: In a dry run, the rows that would go, oldest first; empty otherwise.
    """

    name: str
    period: timedelta
    count: int
    rows: tuple[ExpiredRow, ...] = ()


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What :func:`purge` did, or would do, class by class in :data:`CLASSES` order."""

    dry_run: bool
    classes: tuple[ClassPurge, ...]

    def count(self, name: str) -> int:
        """How many rows of the class ``name`` went (or would go)."""
        return next(purged.count for purged in self.classes if purged.name == name)

    @property
    def total(self) -> int:
        """How many rows went (or would go) in all."""
        return sum(purged.count for purged in self.classes)

    def counts(self) -> str:
        """``conversations=1 tickets=0 ...``: the counts only, for a log line."""
        return " ".join(f"{purged.name}={purged.count}" for purged in self.classes)


async def purge(
    storage: Storage,
    handoff: HandoffStore,
    policy: RetentionPolicy,
    *,
    now: datetime,
    dry_run: bool,
    staff_chat_id: int | None = None,
) -> PurgeReport:
    """Delete every row that has outlived its class's period, or list them (``dry_run``).

    Each class is purged in a transaction of its own, so a large first purge does not hold the
    database for the whole time; a failure leaves the classes before it purged.

    Args:
        storage: The open storage.
        handoff: The handoff store on it (erasing a case queues its topic's deletion).
        policy: The periods.
        now: The time to measure ages from, and to record erasures at (timezone-aware).
        dry_run: Only list what would go; change nothing.
        staff_chat_id: The staff group, where an erased case's topic is deleted; None: topics
            are left alone (no staff group is configured).

    Returns:
        Per class, what went (or would go).
    """
    classes: list[ClassPurge] = []
    for name in CLASSES:
        period = policy.period(name)
        cutoff = now - period
        async with storage.transaction() as session:
            tx = handoff.join(session)
            connection = _connection_of(session)
            if dry_run:
                rows = await _expired(connection, name, cutoff, now)
                classes.append(ClassPurge(name, period, len(rows), rows))
            elif name == "tickets":
                # Erased like /forget does, but without a notice to the advocates: nobody
                # asked, and a closed case's topic going quietly after months is the policy.
                count = 0
                for ticket_id in await _expired_ticket_ids(connection, cutoff):
                    erased = await erase_ticket(
                        tx,
                        ticket_id,
                        now=now,
                        staff_chat_id=staff_chat_id,
                        only_closed_before=cutoff,
                    )
                    count += erased.tickets
                classes.append(ClassPurge(name, period, count))
            else:
                statement = delete(_table(name)).where(_condition(name, cutoff))
                count = rowcount(await connection.execute(statement))
                classes.append(ClassPurge(name, period, count))
    return PurgeReport(dry_run, tuple(classes))


async def run_sweeper(
    storage: Storage,
    handoff: HandoffStore,
    policy: RetentionPolicy,
    *,
    clock: Clock,
    staff_chat_id: int | None = None,
    erased: Callable[[], None] | None = None,
    interval: float = SWEEP_INTERVAL,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Purge at once and then every ``interval`` seconds, until cancelled.

    A failed round (the database away, a lock timeout) is logged with the exception's type
    only and tried again at the next one: the sweeper never stops by itself.

    Args:
        storage: The open storage.
        handoff: The handoff store on it.
        policy: The periods.
        clock: The current time (timezone-aware).
        staff_chat_id: As for :func:`purge`.
        erased: Called after a round that erased cases, whose topic deletions wait in the
            outbox (e.g. to wake the outbox's delivery).
        interval: Seconds between rounds.
        sleep: Waits between rounds.
    """
    while True:
        try:
            report = await purge(
                storage, handoff, policy, now=clock(), dry_run=False, staff_chat_id=staff_chat_id
            )
        except Exception as error:  # the next round tries again
            log.warning("retention sweep failed: %s", type(error).__name__)
        else:
            if report.total:
                log.info("retention sweep deleted %s", report.counts())
            if report.count("tickets") and erased is not None:
                erased()
        await sleep(interval)


def _table(name: str) -> Table:
    tables = {
        "conversations": _CONVERSATIONS,
        "tickets": _TICKETS,
        "outbox": _OUTBOX,
        "chat_messages": _MESSAGES,
        "handled_updates": _UPDATES,
        "audit_log": _AUDIT,
        "events": _EVENTS,
        "console_links": _LINKS,
        "console_sessions": _SESSIONS,
    }
    return tables[name]


def _condition(name: str, cutoff: datetime) -> Any:
    """Which rows of the class ``name`` are past ``cutoff``."""
    if name == "conversations":
        # A person with a case still open keeps their conversation: the case may end with a
        # follow-up flow or resume it, and they may simply be waiting for an advocate.
        live_case = exists().where(
            (_TICKETS.c.chat_id == _CONVERSATIONS.c.chat_id) & (_TICKETS.c.status != "closed")
        )
        return (_CONVERSATIONS.c.updated_at < cutoff) & ~live_case
    if name == "tickets":
        return (
            (_TICKETS.c.status == "closed")
            & (_TICKETS.c.closed_at < cutoff)
            & _TICKETS.c.erased_at.is_(None)
        )
    if name == "outbox":
        return (_OUTBOX.c.status != "pending") & (_OUTBOX.c.created_at < cutoff)
    if name == "chat_messages":
        return _MESSAGES.c.sent_at < cutoff
    if name == "handled_updates":
        return _UPDATES.c.handled_at < cutoff
    if name == "events":
        return _EVENTS.c.at < cutoff
    if name == "console_links":
        return _LINKS.c.expires_at < cutoff
    if name == "console_sessions":
        return _SESSIONS.c.expires_at < cutoff
    return _AUDIT.c.at < cutoff


def _id_and_time(name: str) -> tuple[Any, Any]:
    """The column listed as a row's id (None: none is shown) and the one its age runs from."""
    columns: dict[str, tuple[Any, Any]] = {
        "conversations": (_CONVERSATIONS.c.id, _CONVERSATIONS.c.updated_at),
        "tickets": (_TICKETS.c.id, _TICKETS.c.closed_at),
        "outbox": (_OUTBOX.c.id, _OUTBOX.c.created_at),
        "chat_messages": (None, _MESSAGES.c.sent_at),
        "handled_updates": (_UPDATES.c.update_id, _UPDATES.c.handled_at),
        "audit_log": (_AUDIT.c.id, _AUDIT.c.at),
        "events": (_EVENTS.c.id, _EVENTS.c.at),
        # Keyed by token hashes: nothing worth listing, and their age runs from their end.
        "console_links": (None, _LINKS.c.expires_at),
        "console_sessions": (None, _SESSIONS.c.expires_at),
    }
    return columns[name]


async def _expired(
    connection: AsyncConnection, name: str, cutoff: datetime, now: datetime
) -> tuple[ExpiredRow, ...]:
    id_column, time_column = _id_and_time(name)
    selected: Sequence[Any] = [time_column] if id_column is None else [time_column, id_column]
    result = await connection.execute(
        select(*selected).where(_condition(name, cutoff)).order_by(time_column)
    )
    return tuple(ExpiredRow(None if id_column is None else row[1], now - row[0]) for row in result)


async def _expired_ticket_ids(connection: AsyncConnection, cutoff: datetime) -> list[int]:
    result = await connection.execute(
        select(_TICKETS.c.id).where(_condition("tickets", cutoff)).order_by(_TICKETS.c.id)
    )
    return list(result.scalars())
