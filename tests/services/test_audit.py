"""The audit trail is append-only (database triggers) and hash-chained."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, select

from wealthtui.model import AuditEvent
from wealthtui.services.audit import verify_engine
from wealthtui.services.errors import PermissionDenied


def test_every_write_is_audited_in_a_chain(services, head, make_staff, engine) -> None:
    make_staff("cash_teller")
    report = verify_engine(engine)
    assert report.ok and report.checked >= 4
    with Session(engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[:3] == ["staff.bootstrap", "auth.login", "staff.add"]


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'nothing' WHERE id = 1",
    "DELETE FROM audit_event WHERE id = 1",
])
def test_rows_cannot_be_updated_or_deleted(head, engine, statement: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))


def _drop_trigger(conn, engine, name: str) -> None:
    """What an attacker with direct access to the database would do first."""
    on = "" if engine.dialect.name == "sqlite" else " ON audit_event"
    conn.execute(text(f"DROP TRIGGER {name}{on}"))


def test_a_tampered_row_is_named(head, make_staff, engine) -> None:
    make_staff("cash_teller")
    with engine.begin() as conn:
        _drop_trigger(conn, engine, "audit_event_no_update")
        conn.execute(text("UPDATE audit_event SET detail = '{\"roles\": \"head\"}' WHERE id = 3"))
    report = verify_engine(engine)
    assert not report.ok
    assert report.bad_id == 3 and report.problem == "audit.problem.hash"


def test_a_deleted_row_is_named(head, make_staff, engine) -> None:
    make_staff("cash_teller")
    with engine.begin() as conn:
        _drop_trigger(conn, engine, "audit_event_no_delete")
        conn.execute(text("DELETE FROM audit_event WHERE id = 2"))
    report = verify_engine(engine)
    assert (report.ok, report.bad_id, report.problem) == (False, 2, "audit.problem.missing")


def test_refusals_are_audited(services, make_staff, engine) -> None:
    teller = make_staff("cash_teller")
    with pytest.raises(PermissionDenied):
        services.staff.add(teller, "X1", "某人", ["head"])
    with Session(engine) as s:
        last = s.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (last.action, last.entity_id, last.actor_id) == ("security.refused", "staff.admin", teller.staff_id)
