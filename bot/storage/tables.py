"""The database tables, as sqlmodel models, and the column type that keeps datetimes in UTC.

The migrations in ``migrations/versions`` create exactly these tables; a test compares the two
with Alembic's autogenerate, so a change here without a migration fails CI.

Every Telegram id (chats, messages, updates) is a ``BigInteger``: they outgrow 32 bits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

__all__ = [
    "CONVERSATION_STATUSES",
    "ChatMessageRow",
    "ConversationRow",
    "HandledUpdateRow",
    "UTCDateTime",
    "metadata",
]

CONVERSATION_STATUSES = ("active", "ended", "blocked")

metadata = SQLModel.metadata
"""The metadata the migrations are checked against."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime that is stored in UTC and always read back aware, in UTC.

    PostgreSQL keeps ``timestamptz`` natively. SQLite has no datetime type: SQLAlchemy writes
    ISO text without the offset, so values are converted to UTC before the offset is dropped
    (which also keeps their text order the time order) and UTC is attached again on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC; refuse naive datetimes, whose meaning would be a guess."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: storage needs timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return an aware UTC datetime whatever the driver handed back."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY; elsewhere the row
# id is a BIGINT like every other id.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class ConversationRow(SQLModel, table=True):
    """One chat's conversation: the engine state as JSON and what the adapter needs beside it.

    ``flow``, ``flow_version`` and ``language`` repeat what the state holds, so operators and
    maintenance queries can find conversations without parsing JSON.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended', 'blocked')", name="ck_conversations_status"),
    )

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    chat_id: int = Field(sa_column=Column(BigInteger(), nullable=False, unique=True, index=True))
    state: str = Field(sa_column=Column(Text(), nullable=False))
    flow: str = Field(sa_column=Column(String(), nullable=False))
    flow_version: int = Field(sa_column=Column(Integer(), nullable=False))
    language: str = Field(sa_column=Column(String(), nullable=False))
    status: str = Field(sa_column=Column(String(), nullable=False))
    keyboard_message_id: int | None = Field(
        default=None, sa_column=Column(BigInteger(), nullable=True)
    )
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class HandledUpdateRow(SQLModel, table=True):
    """A Telegram ``update_id`` that has been handled, so a redelivery is recognised."""

    __tablename__ = "handled_updates"

    update_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    handled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class ChatMessageRow(SQLModel, table=True):
    """A message in a person's private chat, theirs or the bot's, that /hide may delete.

    Telegram lets a bot delete private-chat messages for 48 hours, so ids are kept for that
    long and no longer; nothing but the ids is kept.
    """

    __tablename__ = "chat_messages"

    chat_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    message_id: int = Field(sa_column=Column(BigInteger(), primary_key=True, autoincrement=False))
    sent_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


# The handoff, console and analytics tables live with their features, but on this metadata:
# importing them here means whoever sees the metadata (Alembic, the test comparing it with the
# migrations) sees every table. Last, because they build on UTCDateTime above.
from bot.analytics import tables as _analytics_tables  # noqa: E402, F401
from bot.console import tables as _console_tables  # noqa: E402, F401
from bot.handoff import tables as _handoff_tables  # noqa: E402, F401
