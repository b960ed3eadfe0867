"""dual recordings (双录): the recording system's reference per sale, who recorded, start/end

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a new, empty table: nothing to seal here (the unit of work seals each row it writes)
    op.create_table(
        "dual_recording",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("recording_ref", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("product_code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("started_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("ended_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("entered_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("sale_check_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["sale_check_id"], ["sale_check.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_dual_recording_client", "dual_recording", ["client_id", "business_date"],
                    unique=False)
    op.create_index("ux_dual_recording_sale", "dual_recording", ["sale_check_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_dual_recording_sale", table_name="dual_recording")
    op.drop_index("ix_dual_recording_client", table_name="dual_recording")
    op.drop_table("dual_recording")
