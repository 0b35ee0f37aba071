"""Privacy: message ids for /hide, bans by keyed hash, erased tickets, the audit log.

``bans`` is re-created keyed by ``subject`` (a keyed hash of the chat id) instead of the chat
id. A migration has no key to hash with, so bans made before this revision are dropped; no
deployment existed before it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create ``chat_messages`` and ``audit_log``, add ``tickets.erased_at``, re-key ``bans``."""
    op.create_table(
        "chat_messages",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("message_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_chat_messages_sent_at", "chat_messages", ["sent_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.String(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    # Plain ADD COLUMN, not a batch rebuild (see 0003): a rebuild would cascade-delete notes.
    op.add_column("tickets", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("bans")
    op.create_table(
        "bans",
        sa.Column("subject", sa.String(), primary_key=True, autoincrement=False),
        sa.Column("banned_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Undo :func:`upgrade`; bans by hash cannot become chat ids again, so they are dropped."""
    op.drop_table("bans")
    op.create_table(
        "bans",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("banned_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_column("tickets", "erased_at")
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_chat_messages_sent_at", table_name="chat_messages")
    op.drop_table("chat_messages")
