"""clients indexed by the last four digits of their mobile

What clients say at the door is the tail of their mobile (手机尾号), often with their surname:
"张 1234", "zs1234". The look-up finds them by an equality on the last four characters of
`client.phone` — `substr(phone, length(phone) - 3)`, the same expression on SQLite and
PostgreSQL — so it is an index look-up however many clients there are. An index adds no row
and changes none: nothing to reseal.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_client_phone_tail", "client",
                    [sa.text("substr(phone, length(phone) - 3)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_client_phone_tail", table_name="client")
