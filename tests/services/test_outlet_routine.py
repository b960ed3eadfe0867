"""Issue 16: the supervisor's outlet routine does not ask to tick what the F7 outlet sign-off
did. The sign-off records the routine's "every teller signed off" step (a run open at the time),
and a run started after it is born with that step recorded; a bare tick is refused."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.model import AuditEvent
from wealthtui.services.balancing import MATCHES
from wealthtui.services.errors import Conflict

ROUTINE, STEP = "supervisor_outlet_balancing", "tellers_signed_off"


def balanced_day(center: Center) -> None:
    """T1 serves one deposit, balances, and is signed off by the supervisor."""
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")
    b = s.balancing.submit(center.t1, "100,500", dict.fromkeys(MATCHES, True))
    s.balancing.sign_off(center.sup, b.id)


def test_the_outlet_sign_off_records_the_step_of_the_open_routine(center: Center) -> None:
    s = center.services
    run = s.checklists.start(center.sup, ROUTINE)
    assert not run.state(STEP).done
    with pytest.raises(Conflict) as err:  # a bare tick: the sign-off records it
        s.checklists.record(center.sup, run.id, STEP)
    assert err.value.key == "error.routines.confirm_outlet_signoff"
    balanced_day(center)
    s.balancing.sign_off_outlet(center.sup)
    run = s.checklists.get(center.sup, run.id)
    assert run.state(STEP).done
    assert STEP not in {st.step.id for st in run.open_required}
    with Session(s.ctx.engine) as db:
        steps = [json.loads(e.detail) for e in db.exec(
            select(AuditEvent).where(AuditEvent.action == "checklist.step")
            .order_by(AuditEvent.id)).all()]
    assert [(d["procedure"], d["step"]) for d in steps][-1] == (ROUTINE, STEP)


def test_a_routine_started_after_the_sign_off_has_the_step_done(center: Center) -> None:
    s = center.services
    balanced_day(center)
    s.balancing.sign_off_outlet(center.sup)  # no run of the routine yet
    run = s.checklists.start(center.sup, ROUTINE)
    assert run.state(STEP).done
    assert STEP not in {st.step.id for st in run.open_required}


def test_without_the_outlet_sign_off_the_step_stays_open(center: Center) -> None:
    s = center.services
    balanced_day(center)  # the teller is signed off, the outlet is not
    run = s.checklists.start(center.sup, ROUTINE)
    assert not run.state(STEP).done
    assert STEP in {st.step.id for st in run.open_required}
