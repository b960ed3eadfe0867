"""staff roles in a table of their own: one `staff_role` row per role held

`staff.roles` held a staff member's roles as comma-separated text. Each role becomes a row of
`staff_role` (one per staff member and role), and the column is dropped: "who holds role X" is
then an indexed query alike on SQLite and PostgreSQL, and a role given or taken is a row.

Seals (store.seals): the staff rows lose a column, so their digests change, and the new role
rows need seals. A staff row whose seal is still the digest of its old layout (roles included:
it was not changed behind the services' back) is sealed anew with its role rows, one
`audit.seal` event per batch saying why (`store.seals.reseal_intact`). A staff row whose seal
does not match keeps it and its role rows stay unsealed, so `wealthtui db check` still reports
the row and its roles. Staff rows never sealed (a center upgraded from before 0009, which seals
only the tables already in their final layout) are sealed here.

The downgrade puts the column back from the rows (codes in rules.permissions.ROLES order) and
reseals the staff rows whose seals and role rows' seals still match, the same way; the seals of
the dropped role rows stay in `row_seal` (the events carrying them still name them).

Revision ID: 0014
Revises: 0013
"""

from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

WHY = {"layout": "staff.roles -> staff_role"}
WHY_BACK = {"layout": "staff_role -> staff.roles"}


def _old_names() -> list[str]:
    """The staff row's columns as sealed before this migration: `roles` after `name`."""
    from wealthtui.store import seals

    names = list(seals.layout("staff").names)
    names.insert(names.index("name") + 1, "roles")
    return names


def _held(text: str) -> list[str]:
    return list(dict.fromkeys(r.strip() for r in text.split(",") if r.strip()))


def upgrade() -> None:
    op.create_table(
        "staff_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "role", name="uq_staff_role"),
    )
    from wealthtui.store import audit_key, seals

    conn = op.get_bind()
    staff = seals.layout("staff").table
    role_table = seals.layout("staff_role").table
    rows = conn.execute(sa.select(staff, sa.column("roles", sa.String()))
                        .order_by(staff.c.id)).all()
    n = len(staff.columns)
    new_rows = [{"staff_id": row.id, "role": role} for row in rows for role in _held(row[n])]
    if new_rows:
        conn.execute(role_table.insert(), new_rows)
    role_seals: dict[int, list[tuple[str, str, str]]] = {}
    for role_row in conn.execute(sa.select(role_table).order_by(role_table.c.id)):
        role_seals.setdefault(role_row.staff_id, []).append(
            ("staff_role", seals.row_id(role_row.id), seals.digest("staff_role", role_row)))
    old_names = _old_names()
    records = []
    for row in rows:
        values, roles = tuple(row[:n]), row[n]
        old_values = list(values)
        old_values.insert(old_names.index("roles"), roles)
        rid = seals.row_id(row.id)
        records.append(seals.Relayout(
            before=(("staff", rid, seals.digest_as("staff", old_names, old_values)),),
            after=(("staff", rid, seals.digest("staff", values)), *role_seals.get(row.id, []))))
    seals.reseal_intact(conn, records, at=datetime.now(UTC), key=audit_key.load(), detail=WHY)
    op.drop_column("staff", "roles")


def downgrade() -> None:
    from wealthtui.rules import permissions
    from wealthtui.store import audit_key, seals

    op.add_column("staff", sa.Column("roles", sqlmodel.sql.sqltypes.AutoString(length=200),
                                     nullable=False, server_default=""))
    conn = op.get_bind()
    staff = seals.layout("staff").table
    role_table = seals.layout("staff_role").table
    held: dict[int, list[tuple[str, str, str]]] = {}
    codes: dict[int, list[str]] = {}
    for role_row in conn.execute(sa.select(role_table).order_by(role_table.c.id)):
        held.setdefault(role_row.staff_id, []).append(
            ("staff_role", seals.row_id(role_row.id), seals.digest("staff_role", role_row)))
        codes.setdefault(role_row.staff_id, []).append(role_row.role)
    order = {r: i for i, r in enumerate(permissions.ROLES)}
    text = {sid: ",".join(sorted(c, key=lambda r: (order.get(r, len(order)), r)))
            for sid, c in codes.items()}
    if text:
        conn.execute(sa.text("UPDATE staff SET roles = :roles WHERE id = :id"),
                     [{"roles": t, "id": sid} for sid, t in text.items()])
    old_names = _old_names()
    records = []
    for row in conn.execute(sa.select(staff).order_by(staff.c.id)):
        values = list(row)
        old_values = list(values)
        old_values.insert(old_names.index("roles"), text.get(row.id, ""))
        rid = seals.row_id(row.id)
        records.append(seals.Relayout(
            before=(("staff", rid, seals.digest("staff", values)), *held.get(row.id, [])),
            after=(("staff", rid, seals.digest_as("staff", old_names, old_values)),)))
    seals.reseal_intact(conn, records, at=datetime.now(UTC), key=audit_key.load(),
                        detail=WHY_BACK)
    op.drop_table("staff_role")
