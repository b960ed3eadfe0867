"""hand-off lifecycle: what a hand-off is about, and carried over at a close

`subject_type` / `subject_id` name the record a hand-off is about when that record ends on its
own (a complaint closed, an authorisation decided, a checklist run finished): the hand-off is
then done with it. `carried_to` is set when the head carries an open hand-off over at the close
of its day (issue 16).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


COLUMNS = ("subject_type", "subject_id", "carried_to")


def upgrade() -> None:
    # plain ADD COLUMN (SQLite has it): a batch copy of the table would drop `handoff`, which
    # the lead table references, and the foreign keys are enforced
    op.add_column("handoff", sa.Column("subject_type", sa.String(length=20), nullable=False,
                                       server_default=""))
    op.add_column("handoff", sa.Column("subject_id", sa.Integer(), nullable=True))
    op.add_column("handoff", sa.Column("carried_to", sa.Date(), nullable=True))
    op.create_index("ix_handoff_subject", "handoff", ["subject_type", "subject_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_handoff_subject", table_name="handoff")
    for name in reversed(COLUMNS):
        # DROP COLUMN directly (SQLite 3.35+, PostgreSQL), not by copying the table
        op.execute(f"ALTER TABLE handoff DROP COLUMN {name}")
