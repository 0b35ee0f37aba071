"""The analytics table: one row per event, pseudonymous and without text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, String
from sqlmodel import Field, SQLModel

from bot.storage.tables import UTCDateTime

__all__ = ["EventRow"]

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_ROW_ID = BigInteger().with_variant(Integer(), "sqlite")


class EventRow(SQLModel, table=True):
    """Something that happened in a conversation.

    ``subject`` is the keyed hash of the chat id; ``conversation`` tells one conversation of
    that person from the next (a keyed hash too, or a counter: never the chat id). ``kind`` is
    a machine word (e.g. ``reached``, ``handoff``); ``flow``, ``node``, ``language`` and
    ``topic`` are identifiers from the flows, never what someone wrote.
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_flow_node", "flow", "node"),)

    id: int | None = Field(
        default=None, sa_column=Column(_ROW_ID, primary_key=True, autoincrement=True)
    )
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    subject: str = Field(sa_column=Column(String(), nullable=False, index=True))
    conversation: str = Field(sa_column=Column(String(), nullable=False))
    kind: str = Field(sa_column=Column(String(), nullable=False))
    flow: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
    node: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
    language: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
    topic: str | None = Field(default=None, sa_column=Column(String(), nullable=True))
