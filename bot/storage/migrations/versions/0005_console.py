"""The web console: one-time login links, sessions, and pseudonymous analytics events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ``console_links``, ``console_sessions`` and ``events``."""
    op.create_table(
        "console_links",
        sa.Column("token_hash", sa.String(), primary_key=True, autoincrement=False),
        sa.Column("operator_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_console_links_expires_at", "console_links", ["expires_at"])
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(), primary_key=True, autoincrement=False),
        sa.Column("operator_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_console_sessions_operator_id", "console_sessions", ["operator_id"])
    op.create_index("ix_console_sessions_expires_at", "console_sessions", ["expires_at"])
    op.create_table(
        "events",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("conversation", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("flow", sa.String(), nullable=True),
        sa.Column("node", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("topic", sa.String(), nullable=True),
    )
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_events_subject", "events", ["subject"])
    op.create_index("ix_events_flow_node", "events", ["flow", "node"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_events_flow_node", table_name="events")
    op.drop_index("ix_events_subject", table_name="events")
    op.drop_index("ix_events_at", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_console_sessions_expires_at", table_name="console_sessions")
    op.drop_index("ix_console_sessions_operator_id", table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_index("ix_console_links_expires_at", table_name="console_links")
    op.drop_table("console_links")
