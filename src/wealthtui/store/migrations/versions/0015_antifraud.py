"""anti-fraud questions: the answers asked before a large transfer or withdrawal, and the stops

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a brand-new table: nothing sealed changes, no reseal (store.seals)
    op.create_table(
        "antifraud_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("business_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("payee", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reasons", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("questions_version", sqlmodel.sql.sqltypes.AutoString(length=20),
                  nullable=False),
        sa.Column("answers", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("suspicious", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("stopped", sa.Boolean(), nullable=False),
        sa.Column("service_record_id", sa.Integer(), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"]),
        sa.ForeignKeyConstraint(["service_record_id"], ["service_record.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_antifraud_check_date", "antifraud_check", ["business_date", "stopped"],
                    unique=False)
    op.create_index("ix_antifraud_check_payee", "antifraud_check", ["client_id", "payee"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_antifraud_check_payee", table_name="antifraud_check")
    op.drop_index("ix_antifraud_check_date", table_name="antifraud_check")
    op.drop_table("antifraud_check")
