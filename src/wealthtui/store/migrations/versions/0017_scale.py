"""indexes for the lobby board's bounded reloads (issue 22)

- `ticket_event(at, id)`: the boards' last calls (the lobby's queue board, the calling board)
  walked back from now within today's span, stopping at the last few calls; without it every
  reload read every called event of every ticket of the day and sorted them.
- `handoff(kind, business_date, created_at, id)`: the lobby's latest premium arrivals of the
  day, newest first straight from the index (a LIMIT without a sort), and the count of those
  still open; without it every reload read all of the day's arrivals.

No row changes: nothing to reseal.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_event_at", "ticket_event", ["at", "id"], unique=False)
    op.create_index("ix_handoff_kind_day", "handoff", ["kind", "business_date", "created_at", "id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_handoff_kind_day", table_name="handoff")
    op.drop_index("ix_ticket_event_at", table_name="ticket_event")
