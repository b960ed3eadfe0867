"""Granting the head or supervisor role, or any role to oneself, needs a second person (issue
15): a pending request until a different authorised staff member approves it. Real SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from tests.conftest import TEST_PIN
from wealthtui.model import AuditEvent
from wealthtui.services.errors import AuthFailed, Conflict, FieldError, PermissionDenied


def roles_of(services, head, staff_no: str) -> tuple[str, ...]:
    return next(v.roles for v in services.staff.roster(head) if v.staff_no == staff_no)


def test_the_head_cannot_grant_himself_roles_alone(services, head, make_staff) -> None:
    supervisor = make_staff("supervisor", staff_no="S01")
    change = services.staff.set_roles(head, "H001", ["head", "supervisor", "cash_teller"])
    assert change.pending is not None and change.pending.status == "pending"
    assert change.pending.added == ("supervisor", "cash_teller")
    assert roles_of(services, head, "H001") == ("head",)  # nothing changed yet
    with pytest.raises(Conflict) as exc:  # not by the requester
        services.staff.approve_grant(head, change.pending.id)
    assert exc.value.key == "insiders.grant.same_person"
    done = services.staff.approve_grant(supervisor, change.pending.id)
    assert done.pending is not None and done.pending.status == "approved"
    assert done.pending.decided_by_no == "S01"
    assert roles_of(services, head, "H001") == ("head", "supervisor", "cash_teller")
    with pytest.raises(Conflict):  # decided once
        services.staff.approve_grant(supervisor, change.pending.id)


def test_granting_supervisor_or_head_to_someone_else_needs_a_second_person(
        services, head, make_staff) -> None:
    make_staff("supervisor", staff_no="S01")
    officer = make_staff("officer", staff_no="O01")
    teller = make_staff("cash_teller", staff_no="T01")
    change = services.staff.set_roles(head, "O01", ["officer", "supervisor"])
    assert change.pending is not None
    assert roles_of(services, head, "O01") == ("officer",)
    with pytest.raises(Conflict):  # the one who would be promoted cannot approve it
        services.staff.approve_grant(officer, change.pending.id)
    with pytest.raises(PermissionDenied):  # a teller has no authority
        services.staff.approve_grant(teller, change.pending.id)
    # the same request again finds the one waiting; a different one waits for it
    assert services.staff.set_roles(head, "O01", ["officer", "supervisor"]).pending == change.pending
    with pytest.raises(Conflict) as exc:
        services.staff.set_roles(head, "O01", ["head"])
    assert exc.value.key == "insiders.grant.already_pending"
    # at the head's terminal, the supervisor types their staff number and PIN
    with pytest.raises(AuthFailed):
        services.staff.approve_grant_here(head, change.pending.id, "S01", "000000")
    done = services.staff.approve_grant_here(head, change.pending.id, "S01", TEST_PIN)
    assert done.staff.roles == ("supervisor", "officer")


def test_other_roles_for_others_change_at_once(services, head, make_staff) -> None:
    make_staff("cash_teller", staff_no="T01")
    change = services.staff.set_roles(head, "T01", ["non_cash_teller", "lobby_manager"])
    assert change.pending is None
    assert change.staff.roles == ("non_cash_teller", "lobby_manager")
    # removing the supervisor role is at once too
    make_staff("supervisor", "officer", staff_no="S02")
    assert services.staff.set_roles(head, "S02", ["officer"]).pending is None


def test_a_configured_administrator_may_approve_and_others_with_the_matrix_role_not(
        services, head, make_staff, settings) -> None:
    officer = make_staff("officer", staff_no="A01")
    make_staff("cash_teller", staff_no="T01")
    change = services.staff.set_roles(head, "T01", ["cash_teller", "supervisor"])
    with pytest.raises(PermissionDenied) as exc:
        services.staff.approve_grant(officer, change.pending.id)
    assert exc.value.key == "insiders.grant.no_authority"
    insiders = settings.insiders.model_copy(update={"administrators": ["A01"]})
    services.ctx.settings = settings.model_copy(update={"insiders": insiders})
    assert services.staff.approve_grant(officer, change.pending.id).staff.roles == (
        "supervisor", "cash_teller")


def test_rejected_cancelled_and_stale_grants(services, head, make_staff) -> None:
    supervisor = make_staff("supervisor", staff_no="S01")
    make_staff("cash_teller", staff_no="T01")
    first = services.staff.set_roles(head, "T01", ["cash_teller", "supervisor"]).pending
    with pytest.raises(FieldError):  # a reason is required
        services.staff.reject_grant(supervisor, first.id, "")
    rejected = services.staff.reject_grant(supervisor, first.id, "尚未通过授权考核")
    assert rejected.status == "rejected" and rejected.reason == "尚未通过授权考核"
    second = services.staff.set_roles(head, "T01", ["cash_teller", "supervisor"]).pending
    with pytest.raises(PermissionDenied):
        services.staff.cancel_grant(supervisor, second.id)  # not the head's: no staff.admin
    assert services.staff.cancel_grant(head, second.id).status == "cancelled"
    third = services.staff.set_roles(head, "T01", ["cash_teller", "supervisor"]).pending
    services.staff.set_roles(head, "T01", ["non_cash_teller"])  # changed meanwhile
    with pytest.raises(Conflict) as exc:
        services.staff.approve_grant(supervisor, third.id)
    assert exc.value.key == "insiders.grant.stale"
    assert [g.id for g in services.staff.grants(head)] == [third.id]
    assert {g.status for g in services.staff.grants(head, pending_only=False)} == {
        "approved", "rejected", "cancelled", "pending"}  # approved: S01's own supervisor role


def test_the_grant_is_audited_with_requester_and_approver(services, head, make_staff,
                                                          engine) -> None:
    supervisor = make_staff("supervisor", staff_no="S01")
    teller = make_staff("cash_teller", staff_no="T01")
    grant = services.staff.set_roles(head, "T01", ["head", "cash_teller"]).pending
    services.staff.approve_grant(supervisor, grant.id)
    with Session(engine) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action.in_(  # type: ignore[attr-defined]
            ["staff.roles_requested", "staff.roles"])).order_by(col(AuditEvent.id))).all()
    assert [e.action for e in events][-2:] == ["staff.roles_requested", "staff.roles"]
    assert events[-2].actor_id == head.staff_id
    assert events[-1].actor_id == supervisor.staff_id
    assert events[-1].entity_id == str(teller.staff_id)
    assert f'"requested_by": {head.staff_id}' in events[-1].detail
