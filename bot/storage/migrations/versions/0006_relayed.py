"""The console's operator pages: relayed messages kept (sealed), and the maintainer role.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ROLES_BEFORE = "role IN ('operator', 'admin')"
_ROLES_AFTER = "role IN ('operator', 'admin', 'maintainer')"


def upgrade() -> None:
    """Create ``relayed_messages``; let ``operators.role`` be ``maintainer`` too."""
    op.create_table(
        "relayed_messages",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "ticket_id",
            sa.BigInteger(),
            sa.ForeignKey("tickets.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sender", sa.String(), nullable=False),
        sa.Column("operator_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("sender IN ('person', 'advocate')", name="ck_relayed_messages_sender"),
    )
    op.create_index("ix_relayed_messages_ticket_id", "relayed_messages", ["ticket_id"])
    _replace_role_check(_ROLES_AFTER)


def downgrade() -> None:
    """Drop ``relayed_messages``; maintainers are removed, as the old schema has no such role."""
    op.drop_index("ix_relayed_messages_ticket_id", table_name="relayed_messages")
    op.drop_table("relayed_messages")
    op.execute("DELETE FROM operators WHERE role = 'maintainer'")
    _replace_role_check(_ROLES_BEFORE)


def _replace_role_check(condition: str) -> None:
    # SQLite cannot alter a CHECK constraint: there the batch rebuilds the table with the new
    # one. Nothing references operators, so the rebuild deletes nothing else.
    with op.batch_alter_table("operators") as batch:
        batch.drop_constraint("ck_operators_role", type_="check")
        batch.create_check_constraint("ck_operators_role", sa.text(condition))
