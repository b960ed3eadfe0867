"""After a kill -9 the app comes back to where the staff left off (issue 9 item 2): the teller's
counter session is still open, the ticket in service is still at the counter with what was
recorded for it, the unfinished sign-on checklist is listed for today, the CM's accepted hand-off
is still in the inbox — and the work can be carried on from there.

The work is done in a forked process that is killed with SIGKILL; the "restarted app" is a fresh
Services (and a fresh WealthApp) on the same file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

from tests.conftest import T0, TEST_PIN
from tests.counter_ready import sign_on_ready
from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.config import Settings
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Services
from wealthtui.services.checklists import IN_PROGRESS, OPEN, OVERDUE
from wealthtui.store.engine import make_engine

FORK = multiprocessing.get_context("fork")


def _work_then_hang(db: str, settings: Settings, ready, handoff_id: int) -> None:
    """The session before the crash: sign on, call and start serving, record one business;
    the CM accepts a hand-off; then the process waits to be killed."""
    services = Services(make_engine(db), settings, FixedClock(T0))
    teller = services.auth.login("T1", TEST_PIN)
    cm = services.auth.login("C1", TEST_PIN)
    sign_on_ready(services, teller, "02", "1000", complete=False)  # its steps done, still open
    ticket = services.queue.call_next(teller, "02")
    services.counter.record(teller, ticket.id, "cash_deposit", "500")
    services.handoffs.accept(cm, handoff_id)
    ready.set()
    signal.pause()


def _crash(services: Services, db_path, settings: Settings, handoff_id: int) -> None:
    services.ctx.engine.dispose()
    ready = FORK.Event()
    proc = FORK.Process(target=_work_then_hang,
                        args=(str(db_path), settings, ready, handoff_id))
    proc.start()
    assert ready.wait(60), "the worker did not get its work done"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()


def _set_up(services: Services, make_staff):
    lobby = make_staff("lobby_manager", staff_no="L1")
    teller = make_staff("cash_teller", staff_no="T1", name="刘洋")
    cm = make_staff("wealth_cm", staff_no="C1")
    first = services.queue.issue(lobby, "A")
    second = services.queue.issue(lobby, "A")
    handoff = services.handoffs.create(lobby, kind="general", to_staff_id=cm.staff_id,
                                       note="请到贵宾室")
    return teller, cm, first, second, handoff


def test_after_a_kill_the_session_ticket_checklist_and_handoff_are_there_to_resume(
        services, settings, make_staff, db_path) -> None:
    teller, cm, first, second, handoff = _set_up(services, make_staff)
    _crash(services, db_path, settings, handoff.id)

    restarted = Services(make_engine(str(db_path)), settings, FixedClock(T0))
    # the counter session is still open, on the same counter, with the box it was opened with
    session = restarted.counter.current(teller)
    assert session is not None and (session.counter_no, session.state) == ("02", "open")
    assert session.opening_cash_fen == 100_000
    # the ticket in service is still at the counter, with its business
    serving = restarted.counter.serving(teller)
    assert serving is not None and serving.ticket.id == first.id
    assert serving.ticket.status == "serving"
    assert [(r.business_type, r.amount_fen) for r in serving.records] == [("cash_deposit", 50_000)]
    # the sign-on checklist is open and listed for today as in progress
    runs = restarted.checklists.open_runs(teller, subject_staff_id=teller.staff_id)
    assert [r.procedure.id for r in runs] == ["counter_sign_on"]
    assert runs[0].status == OPEN and not runs[0].open_required  # its steps done, not completed
    today = {item.procedure.id: item for item in restarted.checklists.today(teller)}
    assert today["counter_sign_on"].status in (IN_PROGRESS, OVERDUE)  # due 09:00, now 09:30
    assert today["counter_sign_on"].run_id == runs[0].id
    # the CM's accepted hand-off is still in the inbox, accepted
    inbox = {h.id: h.status for h in restarted.handoffs.inbox(cm)}
    assert inbox[handoff.id] == "accepted"

    # and the work carries on from there: nothing is called twice, nothing needs redoing
    restarted.counter.finish(teller, first.id, "none")
    nxt = restarted.queue.call_next(teller, "02")
    assert nxt is not None and nxt.id == second.id
    restarted.handoffs.complete(cm, handoff.id, "已接待")
    restarted.ctx.engine.dispose()


async def test_after_a_kill_the_counter_screen_shows_the_ticket_to_resume(
        services, settings, make_staff, db_path) -> None:
    teller, _cm, first, _second, handoff = _set_up(services, make_staff)
    _crash(services, db_path, settings, handoff.id)

    restarted = Services(make_engine(str(db_path)), settings, FixedClock(T0))
    app = make_app(restarted)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "T1")
        await settle(pilot)
        text = screen_text(app)
        assert first.display_no in text  # the ticket in service, shown at once
        assert "02" in text               # on the counter the session is still open on
    restarted.ctx.engine.dispose()
