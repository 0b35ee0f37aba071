"""Handoff to advocates: operators, tickets, ticket notes, bans and the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from the models: a migration records the schema at its
# revision and must not change when the models do.
_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_NOT_CLOSED = "status != 'closed'"


def upgrade() -> None:
    """Create the five handoff tables and their indexes."""
    op.create_table(
        "operators",
        sa.Column("telegram_user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('operator', 'admin')", name="ck_operators_role"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("assignee", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("flow", sa.String(), nullable=False),
        sa.Column("node", sa.String(), nullable=False),
        sa.Column("username_revealed", sa.Boolean(), nullable=False),
        sa.Column("user_blocked", sa.Boolean(), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'claimed', 'closed')", name="ck_tickets_status"),
    )
    # One not-closed ticket per chat, enforced by the database on both dialects.
    op.create_index(
        "uq_tickets_chat_id_not_closed",
        "tickets",
        ["chat_id"],
        unique=True,
        sqlite_where=sa.text(_NOT_CLOSED),
        postgresql_where=sa.text(_NOT_CLOSED),
    )
    op.create_index("ix_tickets_status_created_at", "tickets", ["status", "created_at"])
    op.create_index("ix_tickets_thread_id", "tickets", ["thread_id"])
    op.create_table(
        "ticket_notes",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.BigInteger(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("operator_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ticket_notes_ticket_id", "ticket_notes", ["ticket_id"])
    op.create_table(
        "bans",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("banned_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.BigInteger(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("destination", sa.String(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("destination IN ('user', 'staff')", name="ck_outbox_destination"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_outbox_status"),
    )
    op.create_index("ix_outbox_destination_status_id", "outbox", ["destination", "status", "id"])
    op.create_index(
        "ix_outbox_ticket_id_destination_status_id",
        "outbox",
        ["ticket_id", "destination", "status", "id"],
    )


def downgrade() -> None:
    """Drop the handoff tables, those with foreign keys first."""
    op.drop_index("ix_outbox_ticket_id_destination_status_id", table_name="outbox")
    op.drop_index("ix_outbox_destination_status_id", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("bans")
    op.drop_index("ix_ticket_notes_ticket_id", table_name="ticket_notes")
    op.drop_table("ticket_notes")
    op.drop_index("ix_tickets_thread_id", table_name="tickets")
    op.drop_index("ix_tickets_status_created_at", table_name="tickets")
    op.drop_index("uq_tickets_chat_id_not_closed", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("operators")
