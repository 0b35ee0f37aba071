"""The staff group of a ticket's forum topic: thread ids are only unique within one group.

Tickets opened before this revision keep NULL: which group their topic is in is unknown, so
their next message to the staff gets a new topic in the current group.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ALTER TABLE on both dialects (SQLite has ADD and DROP COLUMN since 3.35), not batch
# mode: a batch rebuild drops the old tickets table, and with foreign keys on, SQLite's DROP
# TABLE deletes the rows that reference it, the tickets' notes and outbox messages.


def upgrade() -> None:
    """Add ``tickets.thread_chat_id``, NULL for every existing ticket."""
    op.add_column("tickets", sa.Column("thread_chat_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop ``tickets.thread_chat_id``; the tickets, their thread ids and notes stay."""
    op.drop_column("tickets", "thread_chat_id")
