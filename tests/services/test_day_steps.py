"""Issue 16 (cash box bullet): no routine asks to tick what the system already did. The teller's
end-of-day routine has its five matches recorded by the balance submitted, "box handed in" by the
counter sign-off and the supervisor's sign-off by the supervisor's balance sign-off; the head's
end-of-day routine has "close the day" recorded by the close, which completes it. Each in the
same transaction as what it stands for; ticking them by hand is refused. Real services, both
backends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.model import AuditEvent
from wealthtui.services import Actor
from wealthtui.services.balancing import MATCHES
from wealthtui.services.day import DayCloseRefused
from wealthtui.services.errors import Conflict

ROUTINE, HEAD_ROUTINE = "counter_eod_balancing", "head_end_of_day"
MATCH_STEPS = tuple(f"match_{m}" for m in MATCHES)
SYSTEM_STEPS = (*MATCH_STEPS, "box_handed_in", "supervisor_signoff")


def step_events(center: Center, procedure: str) -> list[dict[str, Any]]:
    with Session(center.services.ctx.engine) as db:
        rows = db.exec(select(AuditEvent).where(AuditEvent.action == "checklist.step")
                       .order_by(AuditEvent.id)).all()
    return [d for d in (json.loads(r.detail) for r in rows) if d["procedure"] == procedure]


def served_one_deposit(center: Center) -> None:
    """T1 signs on with 100,000 and takes a 500 deposit."""
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")


def test_the_tellers_routine_records_what_the_balancing_did_and_refuses_a_tick(
        center: Center) -> None:
    s, teller, sup = center.services, center.t1, center.sup
    served_one_deposit(center)
    run = s.checklists.start(teller, ROUTINE)
    assert {x.step.id for x in run.open_required} >= set(SYSTEM_STEPS)
    for step, key in (("match_cash", "day_steps.confirm_five_matches"),
                      ("box_handed_in", "day_steps.confirm_counter_sign_off")):
        with pytest.raises(Conflict) as err:
            s.checklists.record(teller, run.id, step)
        assert err.value.key == key
    with pytest.raises(Conflict) as err:  # nor signed with a second person's PIN
        s.checklists.sign_off(teller, run.id, "supervisor_signoff", sup.staff_no, "246810")
    assert err.value.key == "day_steps.confirm_balance_signoff"

    s.counter.sign_off(teller)
    run = s.checklists.get(teller, run.id)
    assert run.state("box_handed_in").done and run.state("box_handed_in").done_by_id == \
        teller.staff_id
    assert not any(run.state(m).done for m in MATCH_STEPS)

    b = s.balancing.submit(teller, "100,500", dict.fromkeys(MATCHES, True))
    run = s.checklists.get(teller, run.id)
    assert all(run.state(m).done for m in MATCH_STEPS)
    assert not run.state("supervisor_signoff").done

    s.balancing.sign_off(sup, b.id)
    run = s.checklists.get(teller, run.id)
    signed = run.state("supervisor_signoff")
    assert signed.done and signed.signed_off_by_id == sup.staff_id
    assert signed.done_by_id == sup.staff_id
    # what is left is the teller's own: the balancing run, the cash counted, no difference
    assert {x.step.id for x in run.open_required} == {"balancing_run", "cash_counted",
                                                      "difference"}
    for step, value in (("balancing_run", ""), ("cash_counted", "100,500"),
                        ("difference", "none")):
        s.checklists.record(teller, run.id, step, value)
    assert s.checklists.complete(teller, run.id).status == "done"
    # each recorded step is an audit event, with the supervisor named as the signer
    events = {e["step"]: e for e in step_events(center, ROUTINE)}
    assert set(SYSTEM_STEPS) <= set(events)
    assert events["supervisor_signoff"]["signed_off_by"] == sup.staff_id


def test_a_cash_difference_leaves_the_contradicted_matches_open(center: Center) -> None:
    s, teller = center.services, center.t1
    served_one_deposit(center)
    run = s.checklists.start(teller, ROUTINE)
    s.counter.sign_off(teller)
    ticked = {m: m not in ("physical", "cash") for m in MATCHES}  # 100 short
    s.balancing.submit(teller, "100,400", ticked)
    run = s.checklists.get(teller, run.id)
    assert {m for m in MATCH_STEPS if run.state(m).done} == {
        "match_accounts", "match_vouchers", "match_receipts"}
    with pytest.raises(Conflict):  # and the teller cannot tick them instead
        s.checklists.record(teller, run.id, "match_cash")


def test_a_routine_started_after_the_balancing_is_born_with_the_steps(center: Center) -> None:
    s, teller, sup = center.services, center.t1, center.sup
    served_one_deposit(center)
    b = s.balancing.submit(teller, "100,500", dict.fromkeys(MATCHES, True))
    s.balancing.sign_off(sup, b.id)  # closes the counter session the teller left open
    run = s.checklists.start(teller, ROUTINE)
    assert all(run.state(x).done for x in SYSTEM_STEPS), [
        x for x in SYSTEM_STEPS if not run.state(x).done]
    assert run.state("supervisor_signoff").signed_off_by_id == sup.staff_id
    # another teller's routine is not touched by this teller's balance
    other = s.checklists.start(center.t2, ROUTINE)
    assert not any(other.state(x).done for x in SYSTEM_STEPS)


def test_the_close_records_the_heads_step_and_completes_the_routine(
        center: Center, head: Actor) -> None:
    s, teller, sup = center.services, center.t1, center.sup
    run = s.checklists.start(head, HEAD_ROUTINE)
    with pytest.raises(Conflict) as err:
        s.checklists.record(head, run.id, "close_day")
    assert err.value.key == "day_steps.confirm_day_close"
    while [x for x in run.open_required if x.step.id != "close_day"]:
        step = next(x for x in run.open_required if x.step.id != "close_day").step
        value = step.choices[0].id if step.kind == "choice" else (
            "按规定完成" if step.kind == "text" else "")
        run = s.checklists.record(head, run.id, step.id, value)
    with pytest.raises(Conflict):  # the close is its last step
        s.checklists.complete(head, run.id)
    served_one_deposit(center)
    explained = {p.key: "已说明" for p in s.day.state(head).problems if p.explainable}
    with pytest.raises(DayCloseRefused):  # the teller is not signed off: nothing is recorded
        s.day.close(head, explanations=explained)
    assert not s.checklists.get(head, run.id).state("close_day").done
    b = s.balancing.submit(teller, "100,500", dict.fromkeys(MATCHES, True))
    s.balancing.sign_off(sup, b.id)
    explained = {p.key: "已说明" for p in s.day.state(head).problems if p.explainable}
    assert s.day.close(head, explanations=explained).closed
    run = s.checklists.get(head, run.id)
    assert run.state("close_day").done and run.status == "done"
    assert run.completed_by == head.name
    assert [e["step"] for e in step_events(center, HEAD_ROUTINE)][-1] == "close_day"


def test_a_balance_submitted_again_re_records_the_matches(center: Center) -> None:
    """A teller who submits again with fewer matches: what no longer holds is open again (the
    history kept, audited), what holds stays; a later submission records them again."""
    s, teller = center.services, center.t1
    served_one_deposit(center)
    run = s.checklists.start(teller, ROUTINE)
    s.counter.sign_off(teller)
    s.balancing.submit(teller, "100,500", dict.fromkeys(MATCHES, True))
    assert all(s.checklists.get(teller, run.id).state(m).done for m in MATCH_STEPS)

    fewer = {m: m not in ("vouchers", "receipts") for m in MATCHES}
    s.balancing.submit(teller, "100,500", fewer)
    run = s.checklists.get(teller, run.id)
    assert {m for m in MATCH_STEPS if run.state(m).done} == {
        "match_accounts", "match_physical", "match_cash"}
    assert run.state("match_vouchers").times_recorded == 2  # recorded, then withdrawn
    assert {x.step.id for x in run.open_required} >= {"match_vouchers", "match_receipts"}
    with Session(s.ctx.engine) as db:
        withdrawn = [json.loads(r.detail)["step"] for r in db.exec(
            select(AuditEvent).where(AuditEvent.action == "checklist.step_withdrawn")
            .order_by(AuditEvent.id)).all()]
    assert withdrawn == ["match_vouchers", "match_receipts"]
    with pytest.raises(Conflict):  # still not the teller's to tick
        s.checklists.record(teller, run.id, "match_vouchers")
    for step, value in (("balancing_run", ""), ("cash_counted", "100,500"),
                        ("difference", "none")):
        s.checklists.record(teller, run.id, step, value)
    with pytest.raises(Conflict):  # nor can the routine be completed without them
        s.checklists.complete(teller, run.id)

    short = {"accounts": True, "vouchers": True}  # 100 short now: 账实 and 账款 cannot hold
    s.balancing.submit(teller, "100,400", short)
    run = s.checklists.get(teller, run.id)
    assert {m for m in MATCH_STEPS if run.state(m).done} == {"match_accounts", "match_vouchers"}

    s.balancing.submit(teller, "100,500", dict.fromkeys(MATCHES, True))
    run = s.checklists.get(teller, run.id)
    assert all(run.state(m).done for m in MATCH_STEPS)
    assert run.state("match_receipts").times_recorded == 3
