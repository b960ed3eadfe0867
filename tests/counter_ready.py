"""A teller signed on as the app has them do it: the counter with the opening cash, then the
sign-on checklist's required steps with the cash counted equal to it — after which the queue lets
them call (services.sign_on_check). Shared by the tests (and their worker processes) that serve
tickets at a counter."""

from __future__ import annotations

from wealthtui.services import Actor, Services
from wealthtui.services.counter import SessionView

#: the opening cash of a cash counter when a test does not care (a cash counter needs one)
DEFAULT_CASH = "100,000"
#: what a teller records at each step when everything agrees (`cash_counted`: the opening cash)
AGREEING = {"box_drawn": "", "vouchers_counted": "50", "box_matches": "match",
            "equipment": "", "appearance": ""}


def complete_sign_on(services: Services, teller: Actor, run_id: int | None, counted: str, *,
                     complete: bool = True) -> None:
    """Record the open required steps of the teller's sign-on checklist of today (the run
    `run_id`, or today's run found or started), the count agreeing; then mark it complete
    (`complete=False` leaves it open, as a teller who has not pressed "complete" yet).
    Safe to repeat: steps already recorded are not recorded again (a worker restarted after a
    kill carries on)."""
    checklists = services.checklists
    run = checklists.get(teller, run_id) if run_id is not None \
        else checklists.start(teller, services.settings.counter.sign_on_procedure)
    values = {**AGREEING, "cash_counted": counted or "0"}
    while run.open_required:
        step = run.open_required[0].step.id
        run = checklists.record(teller, run.id, step, values[step])
    if complete and run.status == "open":
        checklists.complete(teller, run.id)


def sign_on_ready(services: Services, teller: Actor, counter_no: str,
                  cash: str | None = None, *, complete: bool = True) -> SessionView:
    """Sign on to `counter_no` and do the sign-on checklist. `cash`: the opening cash (None:
    DEFAULT_CASH at a cash counter, none at a non-cash one)."""
    if cash is None:
        cfg = services.settings.counter_cfg(counter_no)
        cash = DEFAULT_CASH if cfg is not None and cfg.kind == "cash" else ""
    session = services.counter.sign_on(teller, counter_no, cash)
    if session.checklist_run_id is not None:
        complete_sign_on(services, teller, session.checklist_run_id, cash, complete=complete)
    return session
