"""indexes for the head's tabs at scale (issue 22)

- `handoff(status, business_date, carried_to, kind, id)`: the close of a day counts the open
  hand-offs of that day or earlier not carried past it and lists the first few
  (services.handoffs.open_until), from the index alone; without it every reload of the head's
  end-of-day tab read every open hand-off of the center as a full view.

No row changes: nothing to reseal.

Revision ID: 0018_head
Revises: 0017
"""

from alembic import op

revision = "0018_head"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_handoff_open", "handoff",
                    ["status", "business_date", "carried_to", "kind", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_handoff_open", table_name="handoff")
