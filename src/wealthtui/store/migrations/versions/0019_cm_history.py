"""index for the CM's desk at scale (issue 22)

- `cm_assignment(client_id, end_at)`: the CM before the current one, found by the client and the
  instant the current assignment started (a CM change's first-contact clock: the CM's changes
  tab, status line and agenda), and a client's CM history. Without it each of a 500-client
  book's assignments looked for its predecessor through every staff member's ended assignments
  (the index on cm_id), 57,000 index probes per read of the desk's clocks.

No row changes: nothing to reseal.

Revision ID: 0019_cm_history
Revises: 0018_head
"""

from alembic import op

revision = "0019_cm_history"
down_revision = "0018_head"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cm_assignment_client_end", "cm_assignment", ["client_id", "end_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_cm_assignment_client_end", table_name="cm_assignment")
