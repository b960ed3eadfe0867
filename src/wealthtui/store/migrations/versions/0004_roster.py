"""the day's roster, lead ownership and conversion

The day's roster (issue 16): each line of `attendance` gets its state (in / leave / lunch / out),
whether the person is the duty lobby manager, a note, and who changed it when (the roster is
written by services.roster, audited). A lead gets its owner (the CM who follows it up), the
follow-up date of a lead for later, and the sale that converted it (reference, by whom, product,
amount; staff ids without a database foreign key, see model/handoff.py). A contact with the
result `sold` keeps the sale's amount. Client accounts are indexed by product: the holders of a
理财金账户卡 are entitled to an exclusive CM (the head's exceptions). Only `attendance` (referred
to by no other table) is rebuilt on SQLite (batch mode, for its foreign key); the others get a
plain ADD / DROP COLUMN (a rebuild would drop a table others refer to).

Existing attendance lines become `in` when present and `out` otherwise.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import wealthtui.model.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8),
                                      nullable=False, server_default="in"))
        batch_op.add_column(sa.Column("duty_lobby", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200),
                                      nullable=False, server_default=""))
        batch_op.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", wealthtui.model.base.UTCDateTime(),
                                      nullable=True))
        batch_op.create_foreign_key("fk_attendance_updated_by", "staff", ["updated_by"], ["id"])
    op.execute("UPDATE attendance SET status = 'out' WHERE present = false")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("duty_lobby", server_default=None)
        batch_op.alter_column("note", server_default=None)

    # plain ALTER TABLE … ADD COLUMN (the lead table is referred to by targets: no rebuild)
    op.add_column("lead", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.add_column("lead", sa.Column("follow_up_on", sa.Date(), nullable=True))
    op.add_column("lead", sa.Column("converted_ref", sqlmodel.sql.sqltypes.AutoString(length=40),
                                    nullable=False, server_default=""))
    op.add_column("lead", sa.Column("converted_by", sa.Integer(), nullable=True))
    op.add_column("lead", sa.Column("converted_product",
                                    sqlmodel.sql.sqltypes.AutoString(length=40),
                                    nullable=False, server_default=""))
    op.add_column("lead", sa.Column("converted_amount_fen", sa.BigInteger(), nullable=True))
    op.create_index("ix_lead_owner_id", "lead", ["owner_id"], unique=False)
    # a plain ALTER TABLE … ADD COLUMN on both (no rebuild of the contact log)
    op.add_column("contact_log", sa.Column("sale_amount_fen", sa.BigInteger(), nullable=True))
    op.create_index("ix_client_account_product", "client_account", ["product", "closed_on"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_client_account_product", table_name="client_account")
    op.drop_column("contact_log", "sale_amount_fen")
    op.drop_index("ix_lead_owner_id", table_name="lead")
    for name in ("converted_amount_fen", "converted_product", "converted_by",
                 "converted_ref", "follow_up_on", "owner_id"):
        op.drop_column("lead", name)
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_constraint("fk_attendance_updated_by", type_="foreignkey")
        for name in ("updated_at", "updated_by", "note", "duty_lobby", "status"):
            batch_op.drop_column(name)
