"""The console's tables: one-time login links and browser sessions.

Neither keeps a secret that would let its reader in: a link or a session is stored as the
SHA-256 of its random token, so a copy of the database opens no console. Both name an operator
by Telegram user id, and every request checks that the operator still exists, so removing one
ends their access at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String
from sqlmodel import Field, SQLModel

from bot.storage.tables import UTCDateTime

__all__ = ["ConsoleLinkRow", "ConsoleSessionRow"]


class ConsoleLinkRow(SQLModel, table=True):
    """A one-time login link: valid until ``expires_at``, and only until ``used_at`` is set."""

    __tablename__ = "console_links"

    token_hash: str = Field(sa_column=Column(String(), primary_key=True, autoincrement=False))
    operator_id: int = Field(sa_column=Column(BigInteger(), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ConsoleSessionRow(SQLModel, table=True):
    """A signed-in browser: the cookie holds the token, the row its hash."""

    __tablename__ = "console_sessions"

    token_hash: str = Field(sa_column=Column(String(), primary_key=True, autoincrement=False))
    operator_id: int = Field(sa_column=Column(BigInteger(), nullable=False, index=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
