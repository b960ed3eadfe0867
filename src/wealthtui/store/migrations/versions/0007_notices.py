"""the outbox of written notices

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("next_attempt_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("sent_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.Column("sent_via", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("step_id", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("record_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("record_ref", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["checklist_run.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notice_due", "notice", ["status", "next_attempt_at"], unique=False)
    op.create_index("ix_notice_client", "notice", ["client_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notice_client", table_name="notice")
    op.drop_index("ix_notice_due", table_name="notice")
    op.drop_table("notice")
