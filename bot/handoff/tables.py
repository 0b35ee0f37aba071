"""The handoff tables: operators, tickets, their notes, bans, and the outbox.

They are registered on the storage's metadata (:data:`bot.storage.tables.metadata`, which
imports this module), so the migrations from ``0002_handoff`` on are checked against them like
the storage's own tables. Every Telegram id is a ``BigInteger`` and every timestamp a
:class:`UTCDateTime`.

Lists and parameters (an operator's languages, a ticket's summary, an outbox payload) are JSON
text: they are read and written whole, never queried into, and plain text means the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from bot.storage.tables import UTCDateTime

__all__ = [
    "ERASED_CHAT_ID",
    "NOT_CLOSED",
    "AuditRow",
    "BanRow",
    "OperatorRow",
    "OutboxRow",
    "RelayedMessageRow",
    "TicketNoteRow",
    "TicketRow",
]

NOT_CLOSED = "status != 'closed'"
"""The predicate of the partial unique index that allows one not-closed ticket per chat."""

ERASED_CHAT_ID = 0
"""The ``chat_id`` of an erased ticket. Telegram never uses 0, and keeping the column NOT NULL
spares SQLite a table rebuild, which would cascade-delete the tickets' notes and outbox rows."""

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY (as in
# bot.storage.tables); elsewhere a row id is a BIGINT.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class OperatorRow(SQLModel, table=True):
    """Someone allowed to act in the staff group; ``languages`` is a JSON list of codes."""

    __tablename__ = "operators"
    __table_args__ = (
        CheckConstraint("role IN ('operator', 'admin', 'maintainer')", name="ck_operators_role"),
    )

    telegram_user_id: int = Field(
        sa_column=Column(BigInteger(), primary_key=True, autoincrement=False)
    )
    alias: str = Field(sa_column=Column(String(), nullable=False))
    languages: str = Field(sa_column=Column(Text(), nullable=False))
    role: str = Field(sa_column=Column(String(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TicketRow(SQLModel, table=True):
    """A request for an advocate; ``summary`` is a JSON list of ``[variable, value]`` pairs.

    ``assignee`` is deliberately not a foreign key to ``operators``: removing an operator must
    neither be refused nor rewrite who handled past cases.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'claimed', 'closed')", name="ck_tickets_status"),
        # The one-open-ticket rule lives in the database, so concurrent /human presses cannot
        # break it. Both dialects understand the same predicate.
        Index(
            "uq_tickets_chat_id_not_closed",
            "chat_id",
            unique=True,
            sqlite_where=sql_text(NOT_CLOSED),
            postgresql_where=sql_text(NOT_CLOSED),
        ),
        # /queue: the not-closed tickets by age.
        Index("ix_tickets_status_created_at", "status", "created_at"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    chat_id: int = Field(sa_column=Column(BigInteger(), nullable=False))
    topic: str = Field(sa_column=Column(String(), nullable=False))
    language: str = Field(sa_column=Column(String(), nullable=False))
    status: str = Field(sa_column=Column(String(), nullable=False))
    assignee: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    # Not unique: thread ids are only unique within one staff group, and a deployment may move
    # to another group. So a topic is always named by both: thread_chat_id is the group the
    # topic is in (NULL for tickets from before it was recorded: in an unknown group).
    thread_id: int | None = Field(
        default=None, sa_column=Column(BigInteger(), nullable=True, index=True)
    )
    thread_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    summary: str = Field(sa_column=Column(Text(), nullable=False))
    flow: str = Field(sa_column=Column(String(), nullable=False))
    node: str = Field(sa_column=Column(String(), nullable=False))
    username_revealed: bool = Field(sa_column=Column(Boolean(), nullable=False))
    user_blocked: bool = Field(sa_column=Column(Boolean(), nullable=False))
    close_reason: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    overdue_notified_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Set when the person's /forget (or retention) erased the case: chat_id is then
    # ERASED_CHAT_ID, summary empty, and only the anonymous counts (topic, language, times) stay.
    erased_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class TicketNoteRow(SQLModel, table=True):
    """An operator's internal note on a ticket (never relayed to the user)."""

    __tablename__ = "ticket_notes"

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    ticket_id: int = Field(
        sa_column=Column(
            BigInteger(),
            ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    operator_id: int = Field(sa_column=Column(BigInteger(), nullable=False))
    text: str = Field(sa_column=Column(Text(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class RelayedMessageRow(SQLModel, table=True):
    """A message relayed between a person and the advocates, for the console's case page.

    ``text`` (a text, or a caption) is sealed; media themselves are never kept, only their
    ``kind``. Deleted with the case's other content (/forget, closed-case retention).
    """

    __tablename__ = "relayed_messages"
    __table_args__ = (
        CheckConstraint("sender IN ('person', 'advocate')", name="ck_relayed_messages_sender"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    ticket_id: int = Field(
        sa_column=Column(
            BigInteger(),
            ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    sender: str = Field(sa_column=Column(String(), nullable=False))
    # The advocate who wrote (their Telegram id, as notes keep it); None for the person.
    operator_id: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    kind: str = Field(sa_column=Column(String(), nullable=False))
    text: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class BanRow(SQLModel, table=True):
    """A person whose messages are no longer relayed to the staff.

    ``subject`` is the keyed hash of their chat id (:mod:`bot.privacy.pseudonyms`), not the id:
    a ban is not routing, so it must not name the person, and it has to outlive their /forget
    (or /forget would lift it).
    """

    __tablename__ = "bans"

    subject: str = Field(sa_column=Column(String(), primary_key=True, autoincrement=False))
    banned_by: int = Field(sa_column=Column(BigInteger(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class OutboxRow(SQLModel, table=True):
    """A Bot API call to make; ``id`` order is the delivery order, ``payload`` its JSON."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("destination IN ('user', 'staff')", name="ck_outbox_destination"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_outbox_status"),
        # The sender's question: the pending messages of a destination, in id order.
        Index("ix_outbox_destination_status_id", "destination", "status", "id"),
        # Whether a ticket has an earlier pending message (which holds back its later ones).
        Index(
            "ix_outbox_ticket_id_destination_status_id", "ticket_id", "destination", "status", "id"
        ),
    )

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    ticket_id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger(), ForeignKey("tickets.id", ondelete="CASCADE"), nullable=True),
    )
    destination: str = Field(sa_column=Column(String(), nullable=False))
    method: str = Field(sa_column=Column(String(), nullable=False))
    payload: str = Field(sa_column=Column(Text(), nullable=False))
    status: str = Field(sa_column=Column(String(), nullable=False))
    attempts: int = Field(sa_column=Column(Integer(), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_error: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AuditRow(SQLModel, table=True):
    """One operator action or view: who (the operator's Telegram id), what, on which case.

    Never free text: ``detail`` is a short machine word (a canned reply's name, a close
    reason's presence), so the audit log can be kept longer than the cases themselves.
    ``ticket_id`` is not a foreign key: the record outlives the case's erasure.
    """

    __tablename__ = "audit_log"

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: int = Field(sa_column=Column(BigInteger(), nullable=False, index=True))
    action: str = Field(sa_column=Column(String(), nullable=False))
    ticket_id: int | None = Field(default=None, sa_column=Column(BigInteger(), nullable=True))
    detail: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
