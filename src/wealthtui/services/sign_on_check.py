"""Whether a teller may call tickets yet: the sign-on checklist and the count of the box.

Manual ch.2 §2.5 (the teller draws the box, counts cash and blank vouchers against the system and
checks the equipment before serving) and ch.4 §4.4.5 (a difference is never settled by the
teller: it is reported to the supervisor). The queue asks `call_blocker` before a call
(`[cashbox] calls_need_sign_on_checklist`, on by default):

- the teller's sign-on checklist of today (`[counter] sign_on_procedure`) has no required step
  open — the message names the first open step;
- the cash counted in it (step `cash_counted`) equals the opening cash of the day's first sign-on,
  or the teller has said the box differs (`box_matches` = `differ`), which makes the explanation
  and the supervisor's confirmation (a sign-off step) required;
- a checklist that was abandoned does not count: it is started again (Ctrl+Y).

A teller with no sign-on checklist of today at all (the procedure is not configured or could not
be read at sign-on, or their box came to them by a shift hand-over, counted there) is not held
back. Runs inside the caller's unit of work; no permission check of its own.
"""

from __future__ import annotations

from sqlmodel import col, select

from wealthtui.model import ChecklistRun, ShiftHandover, StepRecord
from wealthtui.procedures import Procedure, Step
from wealthtui.rules.money import format_fen
from wealthtui.services import cashbox
from wealthtui.services.base import UnitOfWork
from wealthtui.services.checklists import effective_required
from wealthtui.services.errors import Conflict

#: the steps of the sign-on procedure the cash comparison reads
COUNTED_STEP = "cash_counted"
MATCH_STEP = "box_matches"
DIFFER = "differ"


def call_blocker(uow: UnitOfWork, teller_id: int) -> Conflict | None:
    """Why `teller_id` may not call tickets now (a Conflict to raise), or None."""
    settings = uow.settings
    procedure_id = settings.counter.sign_on_procedure
    if not settings.cashbox.calls_need_sign_on_checklist or not procedure_id:
        return None
    runs = uow.session.exec(
        select(ChecklistRun).where(ChecklistRun.procedure_id == procedure_id,
                                   ChecklistRun.business_date == uow.today,
                                   ChecklistRun.subject_staff_id == teller_id)
        .order_by(col(ChecklistRun.id))
    ).all()
    if not runs:
        return None
    live = [r for r in runs if r.status in ("open", "done")]
    if not live:
        return Conflict("cashbox.error.checklist_abandoned")
    done = [r for r in live if r.status == "done"]
    run = (done or live)[-1]
    assert run.id is not None
    proc = Procedure.from_json(run.procedure_json)
    values: dict[str, str] = {}
    for rec in uow.session.exec(
        select(StepRecord).where(StepRecord.run_id == run.id).order_by(col(StepRecord.id))
    ):
        values[rec.step_id] = rec.value
    counted = values.get(COUNTED_STEP, "")
    opening = _opening(uow, teller_id)
    if opening is not None and counted.lstrip("-").isdigit() and int(counted) != opening \
            and proc.step(MATCH_STEP) is not None and values.get(MATCH_STEP) != DIFFER:
        position, step = _position(proc, MATCH_STEP)
        return Conflict("cashbox.error.count_differs", counted=format_fen(int(counted)),
                        opening=format_fen(opening), position=position,
                        step=_text(uow, step))
    for position, step in enumerate(proc.steps, start=1):
        if effective_required(step, values) and step.id not in values:
            return Conflict("cashbox.error.sign_on_open", position=position,
                            step=_text(uow, step))
    return None


def _text(uow: UnitOfWork, step: Step) -> str:
    """The step as staff read it (the procedure holds both languages; as checklists does)."""
    return step.text_en if uow.settings.ui.language == "en" else step.text


def _opening(uow: UnitOfWork, teller_id: int) -> int | None:
    """The opening cash of the teller's first sign-on today; None when there was none or the
    box came by a hand-over (counted there)."""
    first = cashbox.first_session(uow.session, uow.today, teller_id)
    if first is None:
        return None
    handed = uow.session.exec(
        select(ShiftHandover.id).where(ShiftHandover.to_session_id == first.id)
    ).first()
    return None if handed is not None else first.opening_cash_fen


def _position(proc: Procedure, step_id: str) -> tuple[int, Step]:
    for position, step in enumerate(proc.steps, start=1):
        if step.id == step_id:
            return position, step
    raise KeyError(step_id)  # pragma: no cover - the caller checked the step exists
