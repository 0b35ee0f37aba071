"""Erasure: what /forget removes of a person, and what retention removes of an old case.

:func:`erase_person` is the data side of /forget. In one transaction it deletes the person's
conversation (where they are in a flow, every answer they typed), the ids of their chat's
messages kept for /hide and their analytics events (found by their pseudonym: the events hold
no chat id, but the pseudonym recognises them as theirs), and erases each of their cases with
:func:`erase_ticket`: its notes and its outbox rows (relays both ways, pending or delivered) are
deleted, what they shared and the close reason are blanked, and the chat id is replaced by
:data:`ERASED_CHAT_ID`. The case's row stays with its anonymous counts only (topic, language,
flow, node, times), so the desk's numbers still add up and nobody can learn from them who
wrote.

Bans are keyed by a keyed hash of the chat id (see :class:`bot.handoff.tables.BanRow`) and
stay: /forget must not lift a ban. Handled update ids never held a chat id.

The staff group holds copies of what was relayed. For each erased case a ``deleteForumTopic``
is queued in the outbox, which removes the case's topic and every message in it from Telegram
(the bot needs the administrator right to delete messages there); the advocates are told why
in General, in the staff language, with the case number only. Both go through the outbox, so
they survive a restart and are paced with everything else sent to the group.

The tables are changed here with SQL of their own rather than through
:class:`bot.handoff.Tickets` and :class:`bot.handoff.Outbox`: erasing is not one of a case's
states but the end of its content, and no repository method should be able to undo it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.analytics.tables import EventRow
from bot.engine.translation import N_, SourceText, Translator
from bot.handoff import HandoffSession, HandoffStore
from bot.handoff._sql import rowcount
from bot.handoff.store import _connection_of  # to join the transaction, as repositories do
from bot.handoff.tables import (
    ERASED_CHAT_ID,
    OutboxRow,
    RelayedMessageRow,
    TicketNoteRow,
    TicketRow,
)
from bot.privacy.pseudonyms import Pseudonyms
from bot.storage import Clock, Storage
from bot.storage.tables import ChatMessageRow, ConversationRow

__all__ = [
    "ERASED_AT_REQUEST",
    "ERASED_SUMMARY",
    "TOPIC_REMOVAL",
    "Erasure",
    "erase_chat",
    "erase_person",
    "erase_ticket",
]

_CONVERSATIONS = cast(Table, ConversationRow.__table__)  # type: ignore[attr-defined]
_MESSAGES = cast(Table, ChatMessageRow.__table__)  # type: ignore[attr-defined]
_TICKETS = cast(Table, TicketRow.__table__)  # type: ignore[attr-defined]
_NOTES = cast(Table, TicketNoteRow.__table__)  # type: ignore[attr-defined]
_OUTBOX = cast(Table, OutboxRow.__table__)  # type: ignore[attr-defined]
_EVENTS = cast(Table, EventRow.__table__)  # type: ignore[attr-defined]
_RELAYED = cast(Table, RelayedMessageRow.__table__)  # type: ignore[attr-defined]

# TRANSLATORS: operators. Posted in General when a person used /forget: the case's topic and
# everything in it is deleted. {case} is a number, keep the "#" before it.
ERASED_AT_REQUEST = N_("Case #{case} was erased at the person's request.")

ERASED_SUMMARY = "[]"
"""An erased case's summary: the empty list, in the clear (a sealed value would say nothing
more, and readers take plain values as they are)."""

TOPIC_REMOVAL = "deleteForumTopic"
"""The Bot API call that removes a case's topic, and the copies in it, from the staff group."""


@dataclass(frozen=True, slots=True)
class Erasure:
    """What was erased: how many rows of each kind.

    Attributes:
        conversations: Conversations deleted (0 or 1 for a person).
        tickets: Cases erased (their anonymous rows stay).
        notes: Operators' notes deleted.
        outbox: Outbox rows deleted, pending or delivered (relays both ways, the staff's
            messages about the case).
        messages: Message ids of the private chat deleted (kept for /hide).
        events: Analytics events of the person deleted.
        relayed: Relayed messages kept for the console's case page deleted.
    """

    conversations: int = 0
    tickets: int = 0
    notes: int = 0
    outbox: int = 0
    messages: int = 0
    events: int = 0
    relayed: int = 0

    def __add__(self, other: Erasure) -> Erasure:
        """Both erasures' counts, added up."""
        return Erasure(
            *(getattr(self, field.name) + getattr(other, field.name) for field in fields(self))
        )

    @property
    def total(self) -> int:
        """Every row deleted or erased."""
        return sum(getattr(self, field.name) for field in fields(self))


async def erase_person(
    storage: Storage,
    handoff: HandoffStore,
    chat_id: int,
    *,
    staff_chat_id: int | None,
    clock: Clock,
    translator: Translator | None = None,
    staff_language: str = "en",
) -> Erasure:
    """Erase everything Haven holds about the person of a private chat, in one transaction.

    Args:
        storage: The open storage.
        handoff: The handoff store on it.
        chat_id: The person's private chat.
        staff_chat_id: The staff group; for each erased case its topic is deleted there and
            the advocates are told in General. None (no staff group): nothing is queued.
        clock: The time to record as the erasure's.
        translator: The bot's words, for the advocates' notice; the English source if None.
        staff_language: The language of the notice (``STAFF_LANGUAGE``).

    Returns:
        What was erased; all zeros for a chat Haven knows nothing about.
    """
    async with storage.transaction() as session:
        return await erase_chat(
            handoff.join(session),
            chat_id,
            pseudonyms=handoff.pseudonyms,
            now=clock(),
            staff_chat_id=staff_chat_id,
            translator=translator,
            staff_language=staff_language,
        )


async def erase_chat(
    tx: HandoffSession,
    chat_id: int,
    *,
    pseudonyms: Pseudonyms,
    now: datetime,
    staff_chat_id: int | None,
    translator: Translator | None = None,
    staff_language: str = "en",
) -> Erasure:
    """:func:`erase_person` inside a transaction the caller holds (e.g. with the update's claim).

    Args:
        tx: The handoff session of the caller's transaction.
        chat_id: The person's private chat.
        pseudonyms: The keyed hashes the person's analytics events are kept under.
        now: The time to record as the erasure's.
        staff_chat_id: As for :func:`erase_person`.
        translator: As for :func:`erase_person`.
        staff_language: As for :func:`erase_person`.

    Returns:
        What was erased.
    """
    connection = _connection_of(tx.storage)
    # The cases first, locked (PostgreSQL; SQLite has one writer), so one opened meanwhile by
    # another worker either is erased too or opens after the erasure, for a new conversation.
    ticket_ids = (
        (
            await connection.execute(
                select(_TICKETS.c.id)
                .where(_TICKETS.c.chat_id == chat_id)
                .order_by(_TICKETS.c.id)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    conversations = await _delete(connection, _CONVERSATIONS, _CONVERSATIONS.c.chat_id == chat_id)
    messages = await _delete(connection, _MESSAGES, _MESSAGES.c.chat_id == chat_id)
    events = await _delete(connection, _EVENTS, _EVENTS.c.subject == pseudonyms.of(chat_id))
    erased = Erasure(conversations=conversations, messages=messages, events=events)
    say = translator or SourceText()
    for ticket_id in ticket_ids:
        erased += await erase_ticket(tx, ticket_id, now=now, staff_chat_id=staff_chat_id)
        if staff_chat_id is not None:
            text = say.ui_text(staff_language, ERASED_AT_REQUEST).format(case=ticket_id)
            # No ticket and no thread: General, as the case's topic is being deleted.
            await tx.outbox.enqueue("staff", "sendMessage", _plain_text(text))
    return erased


async def erase_ticket(
    tx: HandoffSession,
    ticket_id: int,
    *,
    now: datetime,
    staff_chat_id: int | None,
    only_closed_before: datetime | None = None,
) -> Erasure:
    """Erase one case's content; its row stays with the anonymous counts only.

    Deletes its notes, its relayed messages and all its outbox rows; blanks its summary and
    close reason; sets its chat to :data:`ERASED_CHAT_ID`, its status to closed (``closed_at``
    now if it was open), ``username_revealed`` to False and ``erased_at`` to ``now``. With a
    staff group, queues the deletion of the case's topic there (the delivery drops it when the
    case has no topic in that group). Says nothing to anyone: :func:`erase_chat` adds the
    advocates' notice.

    Args:
        tx: The handoff session of the caller's transaction.
        ticket_id: The case.
        now: The time to record as the erasure's.
        staff_chat_id: The staff group whose topic of the case is to be deleted; None: none.
        only_closed_before: Erase only if the case was closed before this time (retention),
            checked on the locked row, so a case reopened meanwhile is left alone.

    Returns:
        What was erased; all zeros if the case is missing, erased already, or not closed
        before ``only_closed_before``.
    """
    connection = _connection_of(tx.storage)
    condition = (_TICKETS.c.id == ticket_id) & _TICKETS.c.erased_at.is_(None)
    if only_closed_before is not None:
        condition &= (_TICKETS.c.status == "closed") & (_TICKETS.c.closed_at < only_closed_before)
    found = await connection.execute(
        select(_TICKETS.c.closed_at).where(condition).with_for_update()
    )
    row = found.one_or_none()
    if row is None:
        return Erasure()
    notes = await _delete(connection, _NOTES, _NOTES.c.ticket_id == ticket_id)
    outbox = await _delete(connection, _OUTBOX, _OUTBOX.c.ticket_id == ticket_id)
    relayed = await _delete(connection, _RELAYED, _RELAYED.c.ticket_id == ticket_id)
    await connection.execute(
        update(_TICKETS)
        .where(_TICKETS.c.id == ticket_id)
        .values(
            chat_id=ERASED_CHAT_ID,
            summary=ERASED_SUMMARY,
            close_reason=None,
            status="closed",
            closed_at=row.closed_at or now,
            username_revealed=False,
            erased_at=now,
            updated_at=now,
        )
    )
    if staff_chat_id is not None:
        # Queued after the deletes, so it is the case's only message: nothing can be posted
        # into the topic after it is gone. The delivery fills in the group and the topic.
        await tx.outbox.enqueue("staff", TOPIC_REMOVAL, {}, ticket_id=ticket_id)
    return Erasure(tickets=1, notes=notes, outbox=outbox, relayed=relayed)


async def _delete(connection: AsyncConnection, table: Table, condition: Any) -> int:
    return rowcount(await connection.execute(delete(table).where(condition)))


def _plain_text(text: str) -> dict[str, Any]:
    # Plain text (no parse mode), so nothing in a translation is read as markup.
    return {"text": text, "link_preview_options": {"is_disabled": True}}
