"""clients indexed by tier

The head's exceptions (premium clients without an exclusive CM), the KPI scorecard's share of
premium clients holding N products and the targeted lists select clients by tier; without an index
each of them read the whole client table (12 ms at 20,000 clients, growing with the book).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_client_tier", "client", ["tier"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_client_tier", table_name="client")
