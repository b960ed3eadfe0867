"""audit seals: rows tied to their audit events, a keyed chain

Adds `audit_event.seals` (the digests of the rows a write changed, covered by the event's hash),
`audit_head.keyed_from` (the first event hashed with the audit key; 0 = plain SHA-256) and the
`row_seal` table (each business row's last seal and the event carrying it), then seals every
row already in the database, one `audit.seal` event per batch (store.seals.seal_unsealed), so
that `wealthtui db check` on an upgraded center reports nothing.

The downgrade drops `row_seal` only: the two audit columns stay (older programs ignore them,
and dropping a column of audit_event would rewrite the append-only table). A keyed chain is not
taken back: an older program would append unkeyed events to it.

Revision ID: 0009
Revises: 0008
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    if "seals" not in _columns("audit_event"):
        op.add_column("audit_event", sa.Column("seals", sa.String(), nullable=False,
                                               server_default=""))
    if "keyed_from" not in _columns("audit_head"):
        op.add_column("audit_head", sa.Column("keyed_from", sa.Integer(), nullable=False,
                                              server_default="0"))
    op.create_table(
        "row_seal",
        sa.Column("tbl", sa.String(length=40), nullable=False),
        sa.Column("row_id", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "row_id"),
        sqlite_with_rowid=False,  # the key is the table: no second index
    )
    op.create_index("ix_row_seal_audit_id", "row_seal", ["audit_id"], unique=False)

    from wealthtui.store.seals import complete_tables, seal_unsealed

    # a chain cannot be keyed yet (keyed_from was just added): plain SHA-256 events. Only the
    # tables this database already holds in full: a later migration that creates or extends a
    # table seals its rows itself (store.seals.migrate_layout).
    conn = op.get_bind()
    seal_unsealed(conn, at=datetime.now(UTC), key=None, tables=complete_tables(conn))


def downgrade() -> None:
    keyed = op.get_bind().execute(sa.text("SELECT keyed_from FROM audit_head WHERE id = 1")).scalar()
    if keyed:
        raise RuntimeError("the audit chain is keyed (HMAC) from event "
                           f"{keyed}: an older wealthtui cannot append to it; not downgraded")
    op.drop_index("ix_row_seal_audit_id", table_name="row_seal")
    op.drop_table("row_seal")
