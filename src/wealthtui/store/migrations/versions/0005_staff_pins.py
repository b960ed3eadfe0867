"""insider controls: one-time PINs, staff birthdays, the sign-in throttle per terminal, role
grants waiting for a second person

A PIN reset now gives a one-time PIN that must be changed at the next sign-in, expires, and is
refused on the terminal where it was issued (staff.pin_must_change, pin_expires_at,
pin_reset_by, pin_reset_at, pin_reset_terminal); a PIN holding the staff member's birthday is
refused (staff.birthday); wrong PINs slow down the terminal they were typed at
(login_throttle); granting the head or supervisor role, or any role to oneself, waits for a
second person (role_grant).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild: other tables' foreign keys point at staff)
    op.add_column("staff", sa.Column("pin_must_change", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column("staff", sa.Column("pin_expires_at", wealthtui.model.base.UTCDateTime(),
                                     nullable=True))
    op.add_column("staff", sa.Column("pin_reset_by", sa.Integer(), nullable=True))
    op.add_column("staff", sa.Column("pin_reset_at", wealthtui.model.base.UTCDateTime(),
                                     nullable=True))
    op.add_column("staff", sa.Column("pin_reset_terminal",
                                     sqlmodel.sql.sqltypes.AutoString(length=100),
                                     nullable=False, server_default=""))
    op.add_column("staff", sa.Column("birthday", sa.Date(), nullable=True))
    op.create_table(
        "login_throttle",
        sa.Column("terminal", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.Column("wait_until", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("terminal"),
    )
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("roles_before", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("roles_after", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("requested_at", wealthtui.model.base.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", wealthtui.model.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["requested_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_role_grant_staff_id", "role_grant", ["staff_id"], unique=False)
    op.create_index("ix_role_grant_status", "role_grant", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_role_grant_status", table_name="role_grant")
    op.drop_index("ix_role_grant_staff_id", table_name="role_grant")
    op.drop_table("role_grant")
    op.drop_table("login_throttle")
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+ and PostgreSQL): no rebuild of the staff table
    for column in ("birthday", "pin_reset_terminal", "pin_reset_at", "pin_reset_by",
                   "pin_expires_at", "pin_must_change"):
        op.execute(f"ALTER TABLE staff DROP COLUMN {column}")
