"""risk assessments: each client's questionnaire answers, score and level C1–C5, with history

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("taken_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("questionnaire_version", sqlmodel.sql.sqltypes.AutoString(length=20),
                  nullable=False),
        sa.Column("answers", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("client_age", sa.Integer(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"]),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_risk_assessment_client", "risk_assessment", ["client_id", "taken_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_risk_assessment_client", table_name="risk_assessment")
    op.drop_table("risk_assessment")
