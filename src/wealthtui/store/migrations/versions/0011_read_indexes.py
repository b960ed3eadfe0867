"""indexes for reads proportional to what the screens show (issue 22)

- `ticket(visit_id)`: the lobby's visits list finds each shown visit's ticket; without it every
  `WHERE visit_id IN (…)` read the whole ticket table (750k rows on the busy center).
- `contact_log(at, staff_id)`: the KPI scorecard's contacts per CM over a month, answered from the
  index alone instead of reading every contact row (1.34M). `contact_log(client_id, at)` exists
  (ix_contact_client_at) and answers a book's last contacts.
- `visit(business_date, arrived_at, id)`: the lobby's latest visits of the day, read in board
  order straight from the index (a LIMIT without a sort); it replaces the single-column index on
  business_date, which it starts with.
- `tier_change(at)`: the month's new premium clients.
- `product_holding(client_id, maturity_date, product_code)`: the KPI's share of premium clients
  holding N products and the agenda's maturities, from the index alone (0.5 s of the scorecard
  on the busy center read every premium client's holding rows); it replaces the single-column
  index on client_id.

No row changes: nothing to reseal.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_visit_id", "ticket", ["visit_id"], unique=False)
    op.create_index("ix_contact_at_staff", "contact_log", ["at", "staff_id"], unique=False)
    op.create_index("ix_visit_day_arrived", "visit", ["business_date", "arrived_at", "id"],
                    unique=False)
    op.drop_index("ix_visit_business_date", table_name="visit")
    op.create_index("ix_tier_change_at", "tier_change", ["at"], unique=False)
    op.create_index("ix_holding_client_maturity", "product_holding",
                    ["client_id", "maturity_date", "product_code"], unique=False)
    op.drop_index("ix_product_holding_client_id", table_name="product_holding")


def downgrade() -> None:
    op.create_index("ix_product_holding_client_id", "product_holding", ["client_id"],
                    unique=False)
    op.drop_index("ix_holding_client_maturity", table_name="product_holding")
    op.drop_index("ix_tier_change_at", table_name="tier_change")
    op.create_index("ix_visit_business_date", "visit", ["business_date"], unique=False)
    op.drop_index("ix_visit_day_arrived", table_name="visit")
    op.drop_index("ix_contact_at_staff", table_name="contact_log")
    op.drop_index("ix_ticket_visit_id", table_name="ticket")
