"""A teller signed on as the app has them do it: the counter with the opening cash, then the
sign-on checklist's required steps with the cash counted equal to it — after which the queue lets
them call (services.sign_on_check). Shared by the tests (and their worker processes) that serve
tickets at a counter."""

from __future__ import annotations

from wealthtui.services import Actor, Services
from wealthtui.services.counter import SessionView

#: the opening cash of a cash counter when a test does not care (a cash counter needs one)
DEFAULT_CASH = "100,000"


def complete_sign_on(services: Services, teller: Actor, run_id: int, counted: str) -> None:
    """Record the required steps of the sign-on checklist (the count agreeing) and complete it."""
    for step, value in (("box_drawn", ""), ("cash_counted", counted or "0"),
                        ("vouchers_counted", "50"), ("box_matches", "match"),
                        ("equipment", ""), ("appearance", "")):
        services.checklists.record(teller, run_id, step, value)
    services.checklists.complete(teller, run_id)


def sign_on_ready(services: Services, teller: Actor, counter_no: str,
                  cash: str | None = None) -> SessionView:
    """Sign on to `counter_no` and do the sign-on checklist. `cash`: the opening cash (None:
    DEFAULT_CASH at a cash counter, none at a non-cash one)."""
    if cash is None:
        cfg = services.settings.counter_cfg(counter_no)
        cash = DEFAULT_CASH if cfg is not None and cfg.kind == "cash" else ""
    session = services.counter.sign_on(teller, counter_no, cash)
    if session.checklist_run_id is not None:
        complete_sign_on(services, teller, session.checklist_run_id, cash)
    return session
