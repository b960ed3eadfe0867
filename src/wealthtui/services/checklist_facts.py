"""What the system already did that a routine's step stands for (issue 16: "no step asks to tick
what the system already did").

A step with `confirms = "<fact>"` (procedures.CONFIRMS) is never ticked by hand. The service
that does the thing calls `ChecklistService.confirm_in` in its own transaction, and a run started
later records the step at its start; both read the fact here, from the records:

- `outlet_signoff`: the outlet's balance of the run's day is signed off (services.balancing);
- `five_matches`: a `match_<m>` step — the teller's balance of the day was submitted with that
  match ticked (services.balancing.submit; with a cash difference 账实/账款 cannot be ticked);
- `counter_sign_off`: the teller worked a counter that day and every session of theirs is closed
  (signed off, the box handed in: services.counter.sign_off, or the supervisor's sign-off of the
  balance, which closes a session left open);
- `balance_signoff`: a signoff step — the supervisor signed off the teller's balance; the signer
  is that supervisor;
- `day_close`: the head closed the business day (services.day.close).

The flow log (`flow_log`) is confirmed from the step itself (services.day.confirm_flow_log).

A fact can stop holding: a teller who submits the balance again with fewer matches ticked. When
the service that does the thing confirms again (`confirm_in`), a tick step recorded earlier whose
fact the records no longer show is withdrawn: a new record with the value `WITHDRAWN` (the history
kept, the newest record counts, as for any step), so the step is open again until the fact holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from wealthtui.model import BusinessDay, ChecklistRun, CounterSession, OutletBalance, TellerBalance
from wealthtui.model.status import BalanceStatus, CounterSessionState, DayStatus
from wealthtui.procedures import Step

#: the value of a step record that withdraws a tick the system recorded (its fact no longer holds)
WITHDRAWN = "0"


def withdrawn(step: Step, value: str) -> bool:
    """Whether the newest record `value` of `step` withdraws what the system had recorded."""
    return step.confirms is not None and step.kind == "tick" and value == WITHDRAWN


@dataclass(frozen=True)
class Fact:
    """The system did it: the step is recorded (by `signer_id` too, for a signoff step)."""

    signer_id: int | None = None


def _outlet_signed_off(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    return Fact() if session.get(OutletBalance, run.business_date) is not None else None


def _balance(session: Session, run: ChecklistRun) -> TellerBalance | None:
    if run.subject_staff_id is None:
        return None
    return session.exec(
        select(TellerBalance).where(TellerBalance.business_date == run.business_date,
                                    TellerBalance.teller_id == run.subject_staff_id)
    ).first()


def _match_confirmed(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    b = _balance(session, run)
    if b is None or b.status == BalanceStatus.DRAFT:
        return None
    ticked = getattr(b, step.id, None) if step.id.startswith("match_") else None
    return Fact() if ticked is True else None


def _counter_signed_off(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    if run.subject_staff_id is None:
        return None
    states = session.exec(
        select(CounterSession.state).where(CounterSession.business_date == run.business_date,
                                           CounterSession.staff_id == run.subject_staff_id)
    ).all()
    if states and all(s == CounterSessionState.CLOSED for s in states):
        return Fact()
    return None


def _balance_signed_off(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    b = _balance(session, run)
    if b is None or b.status != BalanceStatus.SIGNED_OFF or b.signed_off_by is None:
        return None
    return Fact(signer_id=b.signed_off_by)


def _day_closed(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    bd = session.get(BusinessDay, run.business_date)
    return Fact() if bd is not None and bd.status == DayStatus.CLOSED else None


#: `confirms` name → how to read from the records whether the system did it
FACTS: dict[str, Callable[[Session, ChecklistRun, Step], Fact | None]] = {
    "outlet_signoff": _outlet_signed_off,
    "five_matches": _match_confirmed,
    "counter_sign_off": _counter_signed_off,
    "balance_signoff": _balance_signed_off,
    "day_close": _day_closed,
}


def fact(session: Session, run: ChecklistRun, step: Step) -> Fact | None:
    """What the system did that `step` of `run` stands for, or None (not done, or not a fact
    the records tell)."""
    read = FACTS.get(step.confirms or "")
    return read(session, run, step) if read is not None else None


__all__ = ["FACTS", "WITHDRAWN", "Fact", "fact", "withdrawn"]
