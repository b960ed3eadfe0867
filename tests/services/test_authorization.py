"""Maker-checker: which business needs authorisation, request and decision (at the counter with
the checker's PIN, or from the inbox), the refusals (own request, duplicate, insufficient
authority), finishing blocked until approved, and the audit trail."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from tests.services.counter_helpers import TEST_PIN, Center, center_fixture  # noqa: F401
from wealthtui.model import AuditEvent
from wealthtui.services.audit import verify_engine
from wealthtui.services.errors import AuthFailed, Conflict, FieldError, PermissionDenied


def withdrawal(center: Center, amount: str, teller=None, counter: str = "02") -> tuple[int, int]:
    """A ticket at the teller's counter with a cash withdrawal recorded: (ticket, record)."""
    teller = teller or center.t1
    center.sign_on(teller, counter, "1,000,000")  # a box that can pay these out
    ticket = center.ticket_at(teller, counter)
    rec = center.services.counter.record(teller, ticket, "cash_withdrawal", amount)
    return ticket, rec.id


def actions(center: Center) -> list[str]:
    with Session(center.services.ctx.engine) as db:
        return list(db.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all())


def test_the_configured_limit_decides_what_needs_authorisation(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000,000")
    ticket = center.ticket_at(center.t1, "02")
    small = s.counter.record(center.t1, ticket, "cash_withdrawal", "49,999.99")
    large = s.counter.record(center.t1, ticket, "cash_withdrawal", "50,000")
    assert (small.outcome, small.needs_authorization) == ("done", False)
    assert (large.outcome, large.needs_authorization) == ("pending_auth", True)
    with pytest.raises(Conflict) as err:
        s.authorization.request(center.t1, small.id)
    assert err.value.key == "error.authz.not_needed"


def test_finishing_waits_for_the_approval(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    with pytest.raises(Conflict) as err:
        s.counter.finish(center.t1, ticket, "none")
    assert err.value.key == "error.counter.awaiting_authorization"
    req = s.authorization.request(center.t1, rec, note="客户购房首付")
    assert req.checker_roles == ("supervisor", "officer")
    with pytest.raises(Conflict):
        s.counter.finish(center.t1, ticket, "none")
    assert [r.id for r in s.authorization.inbox(center.off)] == [req.id]
    approved = s.authorization.decide(center.off, req.id, True, "已核对身份证原件")
    assert (approved.status, approved.checker_name, approved.step_up) == ("approved", "钱主办",
                                                                         False)
    assert s.counter.finish(center.t1, ticket, "none").ticket.status == "done"


def test_step_up_at_the_same_counter_with_the_checkers_pin(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    with pytest.raises(AuthFailed):
        s.authorization.decide_at_counter(center.t1, req.id, "S1", "000000", True)
    approved = s.authorization.decide_at_counter(center.t1, req.id, "S1", TEST_PIN, True)
    assert (approved.status, approved.checker_id, approved.step_up) == (
        "approved", center.sup.staff_id, True)
    with Session(s.ctx.engine) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "authz.approve")).one()
    assert event.actor_id == center.sup.staff_id  # the decision is the checker's
    assert s.counter.finish(center.t1, ticket, "none").ticket.status == "done"


def test_a_rejection_needs_a_reason_and_the_business_is_not_done(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    with pytest.raises(FieldError) as err:
        s.authorization.decide(center.sup, req.id, False, "  ")
    assert err.value.field == "field.reason"
    rejected = s.authorization.decide(center.sup, req.id, False, "预留印鉴不符")
    assert (rejected.status, rejected.reason) == ("rejected", "预留印鉴不符")
    serving = s.counter.serving(center.t1)
    assert [r.outcome for r in serving.records] == ["rejected"]
    assert s.counter.finish(center.t1, ticket, "none").ticket.status == "done"
    assert s.balancing.mine(center.t1).figures.cash_out_fen == 0


def test_nobody_decides_their_own_request(center: Center) -> None:
    s = center.services
    # the officer doubles as a non-cash teller and asks for an account opening
    center.sign_on(center.off, "04")
    ticket = center.ticket_at(center.off, "04", category="B")
    rec = s.counter.record(center.off, ticket, "account_open")
    req = s.authorization.request(center.off, rec.id)
    assert s.authorization.inbox(center.off) == []  # not offered to its maker
    with pytest.raises(PermissionDenied) as err:
        s.authorization.decide(center.off, req.id, True)
    assert err.value.key == "error.authz.own_work"
    with pytest.raises(Conflict) as err:  # nor with their own PIN at their own counter
        s.authorization.decide_at_counter(center.off, req.id, "O1", TEST_PIN, True)
    assert err.value.key == "error.four_eyes.same_person"
    assert s.authorization.mine(center.off)[0].status == "pending"
    assert "security.refused" in actions(center)


def test_a_second_pending_request_for_the_same_business_is_refused(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    first = s.authorization.request(center.t1, rec)
    with pytest.raises(Conflict) as err:
        s.authorization.request(center.t1, rec)
    assert (err.value.key, err.value.params["id"]) == ("error.authz.duplicate", first.id)
    second = s.counter.record(center.t1, ticket, "cash_withdrawal", "90,000")
    with pytest.raises(Conflict) as err:
        s.authorization.request(center.t1, second.id)
    assert err.value.key == "error.authz.duplicate"
    s.authorization.decide(center.sup, first.id, True)
    assert s.authorization.request(center.t1, second.id).status == "pending"


def test_a_checker_without_the_authority_for_the_amount_is_refused(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "250,000")  # from 200,000 yuan: the supervisor only
    req = s.authorization.request(center.t1, rec)
    assert req.checker_roles == ("supervisor",)
    assert s.authorization.inbox(center.off) == []
    with pytest.raises(PermissionDenied) as err:
        s.authorization.decide(center.off, req.id, True)
    assert err.value.key == "error.authz.no_authority"
    with pytest.raises(PermissionDenied):
        s.authorization.decide_at_counter(center.t1, req.id, "O1", TEST_PIN, True)
    assert [r.id for r in s.authorization.inbox(center.sup)] == [req.id]
    assert s.authorization.decide(center.sup, req.id, True).status == "approved"


def test_a_teller_cannot_authorise_at_all(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    with pytest.raises(PermissionDenied):
        s.authorization.decide(center.t2, req.id, True)
    with pytest.raises(PermissionDenied) as err:
        s.authorization.decide_at_counter(center.t1, req.id, "T2", TEST_PIN, True)
    assert err.value.key == "error.permission.second_person"


def test_a_decided_request_cannot_be_decided_again(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    s.authorization.decide(center.sup, req.id, False, "客户改变主意")
    with pytest.raises(Conflict) as err:
        s.authorization.decide(center.off, req.id, True)
    assert err.value.key == "error.authz.decided"


def test_withdrawn_request_can_be_asked_again(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    with pytest.raises(PermissionDenied):
        s.authorization.withdraw(center.t2, req.id)
    assert s.authorization.withdraw(center.t1, req.id).status == "cancelled"
    again = s.authorization.request(center.t1, rec)
    assert again.id != req.id and again.status == "pending"


def test_cancelling_the_business_withdraws_its_request(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    s.counter.cancel_record(center.t1, rec, "客户改为转账")
    assert s.authorization.mine(center.t1)[0].status == "cancelled"
    assert s.authorization.inbox(center.sup) == []
    assert s.counter.finish(center.t1, ticket, "none").ticket.status == "done"
    assert s.authorization.mine(center.t1)[0].id == req.id


def test_every_request_and_decision_is_audited(center: Center) -> None:
    s = center.services
    ticket, rec = withdrawal(center, "80,000")
    req = s.authorization.request(center.t1, rec)
    s.authorization.decide(center.sup, req.id, True)
    with Session(s.ctx.engine) as db:
        rows = db.exec(select(AuditEvent).where(col(AuditEvent.action).in_(
            ("authz.request", "authz.approve")))).all()
    assert [(e.action, e.actor_id, e.entity_id) for e in rows] == [
        ("authz.request", center.t1.staff_id, str(req.id)),
        ("authz.approve", center.sup.staff_id, str(req.id))]
    assert all(e.manual_section for e in rows)
    assert verify_engine(s.ctx.engine).ok
