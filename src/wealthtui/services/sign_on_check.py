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

from sqlalchemy import bindparam
from sqlmodel import col, select

from wealthtui.model import ChecklistRun, CounterSession, ShiftHandover, StepRecord
from wealthtui.procedures import Procedure, Step
from wealthtui.rules.money import format_fen
from wealthtui.services.base import UnitOfWork
from wealthtui.services.checklists import effective_required
from wealthtui.services.errors import Conflict

#: the steps of the sign-on procedure the cash comparison reads
COUNTED_STEP = "cash_counted"
MATCH_STEP = "box_matches"
DIFFER = "differ"


#: the teller's sign-on runs of the day with their step records, in one statement
_RUNS = (select(ChecklistRun.id, ChecklistRun.status, ChecklistRun.procedure_json,
                StepRecord.step_id, StepRecord.value)
         .select_from(ChecklistRun)
         .outerjoin(StepRecord, col(StepRecord.run_id) == ChecklistRun.id)
         .where(ChecklistRun.procedure_id == bindparam("procedure_id"),
                ChecklistRun.business_date == bindparam("day"),
                ChecklistRun.subject_staff_id == bindparam("teller_id"))
         .order_by(col(ChecklistRun.id), col(StepRecord.id)))
#: the opening cash of the teller's first session of the day, and whether that session's box came
#: by a hand-over (then it was counted there), in one statement
_FIRST = (select(CounterSession.opening_cash_fen,
                 select(ShiftHandover.id).where(ShiftHandover.to_session_id == CounterSession.id)
                 .limit(1).scalar_subquery())
          .where(CounterSession.business_date == bindparam("day"),
                 CounterSession.staff_id == bindparam("teller_id"))
          .order_by(col(CounterSession.started_at), col(CounterSession.id)).limit(1))


def call_blocker(uow: UnitOfWork, teller_id: int) -> Conflict | None:
    """Why `teller_id` may not call tickets now (a Conflict to raise), or None. Reads the
    sign-on state once: the runs with their records in one statement, the opening cash in
    another (only when the count is to be compared)."""
    settings = uow.settings
    procedure_id = settings.counter.sign_on_procedure
    if not settings.cashbox.calls_need_sign_on_checklist or not procedure_id:
        return None
    runs: dict[int, tuple[str, str]] = {}
    records: dict[int, dict[str, str]] = {}
    for run_id, status, procedure_json, step_id, value in uow.session.execute(
            _RUNS, {"procedure_id": procedure_id, "day": uow.today, "teller_id": teller_id}):
        runs[run_id] = (status, procedure_json)
        if step_id is not None:
            records.setdefault(run_id, {})[step_id] = value
    if not runs:
        return None
    live = [r for r, (status, _) in runs.items() if status in ("open", "done")]
    if not live:
        return Conflict("cashbox.error.checklist_abandoned")
    done = [r for r in live if runs[r][0] == "done"]
    run_id = (done or live)[-1]
    proc = Procedure.from_json(runs[run_id][1])
    values = records.get(run_id, {})
    counted = values.get(COUNTED_STEP, "")
    if counted.lstrip("-").isdigit() and proc.step(MATCH_STEP) is not None \
            and values.get(MATCH_STEP) != DIFFER:
        opening = _opening(uow, teller_id)
        if opening is not None and int(counted) != opening:
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
    row = uow.session.execute(_FIRST, {"day": uow.today, "teller_id": teller_id}).first()
    if row is None or row[1] is not None:
        return None
    return int(row[0])


def _position(proc: Procedure, step_id: str) -> tuple[int, Step]:
    for position, step in enumerate(proc.steps, start=1):
        if step.id == step_id:
            return position, step
    raise KeyError(step_id)  # pragma: no cover - the caller checked the step exists
