"""Migration 0014 (issue 20): the roles move from `staff.roles` (comma-separated text) to one
`staff_role` row per role. A center at 0013 keeps every staff member's roles, `db check` on
the upgraded center reports nothing, and a role changed by plain SQL before the upgrade is
still reported after it. Real SQLite file and PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from tests.conftest import TEST_PIN
from wealthtui.services import Actor, Services
from wealthtui.services.audit import store_findings, verify_engine
from wealthtui.store import schema


def _to(engine: Engine, revision: str) -> None:
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def keys(problems) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(p.key, str(p.params.get("table", "")), str(p.params.get("id", ""))) for p in problems]


def _held(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT s.staff_no, r.role FROM staff s "
                                 "JOIN staff_role r ON r.staff_id = s.id ORDER BY s.staff_no, r.role"))
        out: dict[str, list[str]] = {}
        for no, role in rows:
            out.setdefault(no, []).append(role)
        return out


def test_roles_move_to_rows_and_a_role_changed_by_sql_stays_reported(
        engine: Engine, services: Services, head: Actor, make_staff) -> None:  # type: ignore[no-untyped-def]
    make_staff("cash_teller", "officer", staff_no="T1")
    make_staff("lobby_manager", staff_no="L1")
    services.staff.set_roles(head, "L1", ["lobby_manager", "lobby_assistant"])
    held = _held(engine)
    assert held["T1"] == ["cash_teller", "officer"]

    _to(engine, "0013")  # back to the comma-separated column, resealed in its old layout
    assert "staff_role" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        texts = dict(conn.execute(text("SELECT staff_no, roles FROM staff")).all())
        assert texts["T1"] == "officer,cash_teller"  # rules.permissions.ROLES order
        assert texts["L1"] == "lobby_manager,lobby_assistant"
        # a role given by plain SQL, in the comma form
        conn.execute(text("UPDATE staff SET roles = 'head,officer,cash_teller' "
                          "WHERE staff_no = 'T1'"))
        teller = conn.execute(text("SELECT id FROM staff WHERE staff_no = 'T1'")).scalar_one()

    schema.upgrade(engine)
    assert schema.state(engine).up_to_date
    assert "roles" not in {c["name"] for c in inspect(engine).get_columns("staff")}
    after = _held(engine)
    assert after["T1"] == ["cash_teller", "head", "officer"]  # the text as it stood, kept
    assert {k: v for k, v in after.items() if k != "T1"} == {
        k: v for k, v in held.items() if k != "T1"}
    assert verify_engine(engine).ok
    with engine.connect() as conn:
        teller_roles = [str(i) for i in conn.execute(
            text("SELECT id FROM staff_role WHERE staff_id = :s ORDER BY id"), {"s": teller})
            .scalars()]
    # the changed row keeps its old seal (reported); its role rows are not sealed by the upgrade
    # (reported: without a seal, or against the seal of a role row the downgrade dropped);
    # every other staff member and role is resealed: nothing else is reported
    found = keys(store_findings(engine))
    assert ("tamper.seal.row_changed", "staff", str(teller)) in found
    named = sorted((t, i) for k, t, i in found if (k, t) != ("tamper.seal.row_changed", "staff"))
    assert named == sorted(("staff_role", r) for r in teller_roles)
    assert {k for k, _, _ in found} <= {"tamper.seal.row_changed", "tamper.seal.no_seal"}
    # the others work as before: roles read from the rows
    assert services.auth.login("L1", TEST_PIN).roles == {"lobby_manager", "lobby_assistant"}
