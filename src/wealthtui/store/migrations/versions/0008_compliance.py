"""compliance: the sale checks (suitability verdict of every sale attempt, refusals included)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sale_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("path", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("product_code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("product_level", sa.Integer(), nullable=False),
        sa.Column("client_level", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("assessment_valid", sa.Boolean(), nullable=False),
        sa.Column("client_age", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("service_record_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact_log.id"]),
        sa.ForeignKeyConstraint(["service_record_id"], ["service_record.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sale_check_date", "sale_check", ["business_date", "refused"], unique=False)
    op.create_index("ix_sale_check_client_id", "sale_check", ["client_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sale_check_client_id", table_name="sale_check")
    op.drop_index("ix_sale_check_date", table_name="sale_check")
    op.drop_table("sale_check")
