"""appointments: booked visits (client or prospect, purpose, slot, staff), check-in, no-shows

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new, empty table: nothing to seal here (the unit of work seals each row it writes)
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("contact_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("start_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("end_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("denominations", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.Column("checked_in_by", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("large_cash_record_id", sa.Integer(), nullable=True),
        sa.Column("booked_by", sa.Integer(), nullable=False),
        sa.Column("created_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(["booked_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["checked_in_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoff.id"]),
        sa.ForeignKeyConstraint(["large_cash_record_id"], ["service_record.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appointment_day", "appointment", ["business_date", "status"],
                    unique=False)
    op.create_index("ix_appointment_staff", "appointment", ["staff_id", "start_at"],
                    unique=False)
    op.create_index("ix_appointment_client", "appointment", ["client_id", "business_date"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_appointment_client", table_name="appointment")
    op.drop_index("ix_appointment_staff", table_name="appointment")
    op.drop_index("ix_appointment_day", table_name="appointment")
    op.drop_table("appointment")
