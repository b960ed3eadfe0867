"""the wealth-card holders from the index alone (issue 22, the head's staff tab)

- `client_account(product, closed_on, client_id)` replaces `(product, closed_on)`: the staff
  tab's exceptions (services.assignments: clients entitled to an exclusive CM by an open card
  of [ownership] exclusive_cm_products, without one) read the holders' client ids from the
  index, not a table row per card (166k open cards at 1M clients).

No row changes: nothing to reseal.

Revision ID: 0020_card_holders
Revises: 0019_cm_history
"""

from alembic import op

revision = "0020_card_holders"
down_revision = "0019_cm_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_client_account_holders", "client_account",
                    ["product", "closed_on", "client_id"], unique=False)
    op.drop_index("ix_client_account_product", table_name="client_account")


def downgrade() -> None:
    op.create_index("ix_client_account_product", "client_account", ["product", "closed_on"],
                    unique=False)
    op.drop_index("ix_client_account_holders", table_name="client_account")
