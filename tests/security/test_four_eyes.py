"""Four eyes, in every place the manual asks for a second person (issue 9 item 4; manual ch.2
§1.4: one person may hold several posts, but internal control still holds). In each place the
person whose work it is holds the role that would otherwise let them approve it, and is refused;
the refusal is audited as `security.refused` with its reason; the record is unchanged; and a
second person can then do it.

Owning services: authorization.AuthorizationService.decide, balancing.BalancingService.sign_off,
handover.HandoverService.witness, checklists.ChecklistService.record/sign_off (signoff steps),
complaints.ComplaintService.assign (recusal) and its handler actions. The owners' own tests go
into the details (tests/services/test_authorization.py, test_balancing.py, test_handover.py,
test_checklists.py, test_complaints.py); these pin the rule in one place per service.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from tests.conftest import TEST_PIN
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.model import AuditEvent
from wealthtui.services import Actor, Services
from wealthtui.services.balancing import MATCHES
from wealthtui.services.errors import Conflict, PermissionDenied

ALL = dict.fromkeys(MATCHES, True)
COUNT = {10_000: 5, 100: 5}  # a hand-over count: 505 yuan


def refusals(services: Services, actor: Actor) -> list[str]:
    """The reasons of the `security.refused` events of `actor`, oldest first."""
    with Session(services.ctx.engine) as db:
        rows = db.exec(select(AuditEvent).where(AuditEvent.action == "security.refused",
                                                AuditEvent.actor_id == actor.staff_id)
                       .order_by(AuditEvent.id)).all()
    return [json.loads(r.detail)["reason"] for r in rows]


def test_authorisation_nobody_decides_their_own_request(center: Center) -> None:
    """services.authorization: the officer doubling as a teller asks, and may not approve."""
    s = center.services
    center.sign_on(center.off, "04")
    ticket = center.ticket_at(center.off, "04", category="B")
    rec = s.counter.record(center.off, ticket, "account_open")
    req = s.authorization.request(center.off, rec.id)
    with pytest.raises(PermissionDenied) as err:
        s.authorization.decide(center.off, req.id, True)
    assert err.value.key == "error.authz.own_work"
    with pytest.raises(Conflict):  # nor by typing their own number and PIN as the checker
        s.authorization.decide_at_counter(center.off, req.id, "O1", TEST_PIN, True)
    assert refusals(s, center.off) == ["error.authz.own_work"]
    assert s.authorization.mine(center.off)[0].status == "pending"
    assert s.authorization.decide(center.sup, req.id, True).status == "approved"


def test_balancing_a_supervisor_never_signs_off_their_own_balance(center: Center,
                                                                  make_staff) -> None:
    """services.balancing: the supervisor who worked a counter submits, and may not sign off."""
    s = center.services
    both = make_staff("supervisor", "cash_teller", staff_no="S2", name="冯主管")
    s.counter.sign_on(both, "01", "100")
    balance = s.balancing.submit(both, "100", ALL)
    with pytest.raises(PermissionDenied) as err:
        s.balancing.sign_off(both, balance.id)
    assert err.value.key == "error.balance.own_work"
    assert refusals(s, both) == ["error.balance.own_work"]
    assert s.balancing.sign_off(center.sup, balance.id).status == "signed_off"


def test_handover_nobody_witnesses_a_handover_they_took_part_in(center: Center) -> None:
    """services.handover: the officer hands over (leave needs a witness), and may not witness."""
    s = center.services
    s.counter.sign_on(center.off, "02", "505")
    h = s.handover.start(center.off, "leave", COUNT, note="下午请假")
    s.handover.confirm(center.t2, h.id, "505")
    with pytest.raises(PermissionDenied) as err:
        s.handover.witness(center.off, h.id)
    assert err.value.key == "error.handover.own_work"
    assert refusals(s, center.off) == ["error.handover.own_work"]
    assert s.handover.witness(center.sup, h.id).status == "witnessed"


def test_checklist_nobody_signs_off_a_run_they_worked_on(services: Services, make_staff) -> None:
    """services.checklists: a sign-off step signed by the teller whose hand-over it is."""
    teller = make_staff("cash_teller", "supervisor", staff_no="S3", name="既是柜员又是主管")
    run = services.checklists.start(teller, "counter_shift_handover")
    for step, value in (("reason", "leave"), ("balanced", ""), ("cash_declared", "18,250.00"),
                        ("vouchers_declared", "20"), ("count_result", "match")):
        services.checklists.record(teller, run.id, step, value)
    with pytest.raises(PermissionDenied) as err:
        services.checklists.record(teller, run.id, "witness", signer=teller)
    assert err.value.key == "error.four_eyes.same_person"
    assert refusals(services, teller) == ["error.four_eyes.same_person"]
    assert not services.checklists.get(teller, run.id).state("witness").done
    other = make_staff("supervisor", staff_no="S4", name="钱主管")
    signed = services.checklists.sign_off(teller, run.id, "witness", "S4", TEST_PIN)
    assert signed.state("witness").signed_off_by_id == other.staff_id


def test_complaints_the_staff_complained_about_neither_handle_nor_work_on_it(
        services: Services, make_staff) -> None:
    """services.complaints: recusal — the teller complained about is not made the handler, and
    may not work on the complaint even though they received it."""
    lobby = make_staff("lobby_manager", staff_no="L1")
    teller = make_staff("cash_teller", staff_no="T1", name="赵柜员")
    other = make_staff("non_cash_teller", staff_no="T2", name="钱柜员")
    c = services.complaints.intake(teller, channel="on_site", category="attitude",
                                   subcategory="rude", description="柜员办理取款时态度生硬",
                                   name="王女士", phone="139 1234 5678",
                                   staff_complained=[teller.staff_id])
    with pytest.raises(Conflict) as err:
        services.complaints.assign(lobby, c.id, teller.staff_id)
    assert err.value.key == "error.complaint.recusal"
    with pytest.raises(PermissionDenied) as err:
        services.complaints.add_note(teller, c.id, "我没有态度不好")
    assert err.value.key == "error.complaint.recusal_actor"
    assert refusals(services, teller) == ["error.complaint.recusal_actor"]
    assert services.complaints.get(lobby, c.id).handler is None
    assigned = services.complaints.assign(lobby, c.id, other.staff_id)
    assert assigned.handler is not None and assigned.handler.id == other.staff_id
