"""Issue 16 item 9, the cash box, on the real database (SQLite and PostgreSQL):

- sign-on refuses an empty or zero opening cash at a cash counter (config: which counter kinds);
- the cash counted in the sign-on checklist is compared with the opening cash: a difference holds
  the teller back until it is declared, explained and confirmed by the supervisor (second person);
- calling tickets waits for the sign-on checklist's required steps (the message names the open
  step; configurable), and the checklist no longer asks to tick "signed on in the system";
- a withdrawal larger than the box is refused with the amount available; withdrawals awaiting
  authorisation are reserved; a deposit already paid out cannot be taken back; the box never goes
  below 0, also with two terminals withdrawing at once;
- the five matches cannot be confirmed beside a cash difference (the supervisor's path still
  works); the teller's re-balance figures are today's, not those submitted."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import TEST_PIN
from tests.counter_ready import complete_sign_on
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui.config import Settings
from wealthtui.model import AuditEvent, CounterSession, ServiceRecord
from wealthtui.procedures import load_dir
from wealthtui.services import Services
from wealthtui.services.balancing import MATCHES
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied
from wealthtui.store.engine import make_engine

ALL = dict.fromkeys(MATCHES, True)
STEP_1 = "向业务主管领取本人尾箱（现金、重要空白凭证、业务用章）"


def box(center: Center, teller) -> int:
    """What the teller's box holds by the books now."""
    return center.services.balancing.mine(teller).figures.expected_cash_fen


def sessions(center: Center) -> list[CounterSession]:
    with Session(center.services.ctx.engine) as db:
        return list(db.exec(select(CounterSession)))


# --- the opening cash ---------------------------------------------------------------------------
@pytest.mark.parametrize("cash", ["", "0", "0.00", " "])
def test_a_cash_counter_does_not_open_with_an_empty_box(center: Center, cash: str) -> None:
    s = center.services
    with pytest.raises(FieldError) as err:
        s.counter.sign_on(center.t1, "02", cash)
    assert (err.value.field, err.value.key) == ("counter.field.opening_cash",
                                                "cashbox.error.opening_required")
    assert err.value.params["counter"] == "02"
    assert sessions(center) == [] and s.counter.current(center.t1) is None
    assert s.counter.sign_on(center.t1, "02", "200,000").opening_cash_fen == 20_000_000


def test_a_non_cash_counter_may_open_without_cash(center: Center) -> None:
    assert center.services.counter.sign_on(center.n1, "04", "").opening_cash_fen == 0


def test_a_branch_may_require_cash_at_non_cash_counters_too(
        services: Services, settings: Settings, center: Center) -> None:
    strict = settings.model_copy(update={"cashbox": settings.cashbox.model_copy(
        update={"opening_cash_required": ["cash", "non_cash"]})})
    s = Services(services.ctx.engine, strict, services.ctx.clock)
    with pytest.raises(FieldError) as err:
        s.counter.sign_on(center.n1, "04", "0")
    assert err.value.key == "cashbox.error.opening_required"
    lax = settings.model_copy(update={"cashbox": settings.cashbox.model_copy(
        update={"opening_cash_required": []})})
    s = Services(services.ctx.engine, lax, services.ctx.clock)
    assert s.counter.sign_on(center.t1, "02", "").opening_cash_fen == 0


# --- the sign-on checklist and the call guard ----------------------------------------------------
def test_the_sign_on_checklist_no_longer_asks_to_tick_the_systems_sign_on() -> None:
    proc = load_dir().get("counter_sign_on")
    assert proc is not None
    ids = [s.id for s in proc.steps]
    assert "signed_on" not in ids
    assert ids == ["box_drawn", "cash_counted", "vouchers_counted", "box_matches",
                   "difference_note", "difference_confirmed", "equipment", "appearance"]
    confirm = proc.step("difference_confirmed")
    assert confirm is not None and confirm.kind == "signoff"
    assert confirm.signer_role == ("supervisor",)
    assert all(s.basis_code for s in proc.steps)  # every step cites its basis


def test_calling_waits_for_the_sign_on_checklist(center: Center) -> None:
    s = center.services
    ticket = s.queue.issue(center.lobby, "A")
    view = s.counter.sign_on(center.t1, "02", "200,000")
    with pytest.raises(Conflict) as err:
        s.queue.call_next(center.t1, "02")
    assert err.value.key == "cashbox.error.sign_on_open"
    assert (err.value.params["position"], err.value.params["step"]) == (1, STEP_1)
    with pytest.raises(Conflict) as err:
        s.queue.call(center.t1, "02", ticket.id)  # calling one by number too
    assert err.value.key == "cashbox.error.sign_on_open"
    run = view.checklist_run_id
    s.checklists.record(center.t1, run, "box_drawn")
    s.checklists.record(center.t1, run, "cash_counted", "200,000")
    with pytest.raises(Conflict) as err:
        s.queue.call_next(center.t1, "02")
    assert err.value.params["position"] == 3  # the vouchers: the next open step is named
    for step, value in (("vouchers_counted", "35"), ("box_matches", "match"),
                        ("equipment", ""), ("appearance", "")):
        s.checklists.record(center.t1, run, step, value)
    called = s.queue.call_next(center.t1, "02")  # the run need not be marked complete
    assert called is not None and called.id == ticket.id
    assert s.queue.get(center.lobby, ticket.id).status == "called"


def test_a_counted_cash_that_differs_needs_the_supervisors_confirmation(center: Center) -> None:
    s = center.services
    s.queue.issue(center.lobby, "A")
    view = s.counter.sign_on(center.t1, "02", "150,000")
    run = view.checklist_run_id
    complete = dict(box_drawn="", cash_counted="200,000", vouchers_counted="35",
                    box_matches="match", equipment="", appearance="")
    for step, value in complete.items():
        s.checklists.record(center.t1, run, step, value)
    with pytest.raises(Conflict) as err:  # "they agree" does not hold against the system
        s.queue.call_next(center.t1, "02")
    assert err.value.key == "cashbox.error.count_differs"
    assert (err.value.params["counted"], err.value.params["opening"],
            err.value.params["position"]) == ("200,000.00", "150,000.00", 4)
    s.checklists.record(center.t1, run, "box_matches", "differ")
    with pytest.raises(Conflict) as err:
        s.queue.call_next(center.t1, "02")
    assert (err.value.key, err.value.params["position"]) == ("cashbox.error.sign_on_open", 5)
    s.checklists.record(center.t1, run, "difference_note", "多出 5 万元，疑为昨日未入库")
    with pytest.raises(Conflict) as err:
        s.queue.call_next(center.t1, "02")
    assert (err.value.key, err.value.params["position"]) == ("cashbox.error.sign_on_open", 6)
    with pytest.raises(Conflict):  # the teller cannot confirm their own difference
        s.checklists.sign_off(center.t1, run, "difference_confirmed", "T1", TEST_PIN)
    with pytest.raises(PermissionDenied):  # nor another teller: the supervisor does
        s.checklists.sign_off(center.t1, run, "difference_confirmed", "T2", TEST_PIN)
    confirmed = s.checklists.sign_off(center.t1, run, "difference_confirmed", "S1", TEST_PIN)
    assert confirmed.state("difference_confirmed").signed_off_by == "孙主管"
    assert s.queue.call_next(center.t1, "02") is not None
    with Session(s.ctx.engine) as db:  # the supervisor was told, and the confirmation audited
        steps = [e for e in db.exec(select(AuditEvent).where(
            AuditEvent.action == "checklist.step")) if "difference_confirmed" in e.detail]
    assert len(steps) == 1
    assert any(h.kind == "escalation" for h in s.handoffs.inbox(center.sup))


def test_an_abandoned_sign_on_checklist_does_not_open_the_counter(center: Center) -> None:
    s = center.services
    s.queue.issue(center.lobby, "A")
    view = s.counter.sign_on(center.t1, "02", "1,000")
    s.checklists.abandon(center.t1, view.checklist_run_id, "开错了")
    with pytest.raises(Conflict) as err:
        s.queue.call_next(center.t1, "02")
    assert err.value.key == "cashbox.error.checklist_abandoned"
    again = s.checklists.start(center.t1, "counter_sign_on")
    assert again.id != view.checklist_run_id
    complete_sign_on(s, center.t1, again.id, "1,000")
    assert s.queue.call_next(center.t1, "02") is not None


def test_the_call_guard_can_be_switched_off(services: Services, settings: Settings,
                                            center: Center) -> None:
    off = settings.model_copy(update={"cashbox": settings.cashbox.model_copy(
        update={"calls_need_sign_on_checklist": False})})
    s = Services(services.ctx.engine, off, services.ctx.clock)
    s.queue.issue(center.lobby, "A")
    s.counter.sign_on(center.t1, "02", "1,000")
    assert s.queue.call_next(center.t1, "02") is not None
    center.services.counter.sign_on(center.t2, "01", "1,000")
    s.queue.issue(center.lobby, "A")
    with pytest.raises(Conflict):  # with the default settings the other teller waits
        center.services.queue.call_next(center.t2, "01")


def test_a_later_sign_on_today_needs_no_second_checklist(center: Center, clock) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    s.counter.sign_off(center.t1)
    clock.advance(minutes=30)
    s.counter.sign_on(center.t1, "01")
    s.queue.issue(center.lobby, "A")
    assert s.queue.call_next(center.t1, "01") is not None


# --- the box never goes negative -----------------------------------------------------------------
def test_a_withdrawal_larger_than_the_box_is_refused(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    with pytest.raises(FieldError) as err:
        s.counter.record(center.t1, ticket, "cash_withdrawal", "60,000")
    assert (err.value.field, err.value.key) == ("field.amount", "cashbox.error.exceeds_box")
    assert (err.value.params["available"], err.value.params["amount"]) == ("1,000.00",
                                                                           "60,000.00")
    s.counter.record(center.t1, ticket, "cash_deposit", "1,000")
    with pytest.raises(FieldError) as err:
        s.counter.record(center.t1, ticket, "cash_withdrawal", "2,000.01")
    assert err.value.params["available"] == "2,000.00"
    s.counter.record(center.t1, ticket, "cash_withdrawal", "2,000")  # all of it: fine
    assert box(center, center.t1) == 0
    with pytest.raises(FieldError):
        s.counter.record(center.t1, ticket, "cash_withdrawal", "0.01")
    with Session(s.ctx.engine) as db:
        outs = db.exec(select(ServiceRecord).where(ServiceRecord.cash == "out")).all()
    assert [r.amount_fen for r in outs] == [200_000]


def test_withdrawals_awaiting_authorisation_hold_their_cash(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    ticket = center.ticket_at(center.t1, "02")
    first = s.counter.record(center.t1, ticket, "cash_withdrawal", "60,000")
    assert first.outcome == "pending_auth"
    with pytest.raises(FieldError) as err:
        s.counter.record(center.t1, ticket, "cash_withdrawal", "50,000")
    assert err.value.params["available"] == "40,000.00"
    req = s.authorization.request(center.t1, first.id)
    s.authorization.decide(center.sup, req.id, False, "证件过期")
    second = s.counter.record(center.t1, ticket, "cash_withdrawal", "50,000")
    req = s.authorization.request(center.t1, second.id)
    s.authorization.decide(center.sup, req.id, True, "")
    assert box(center, center.t1) == 5_000_000


def test_a_deposit_already_paid_out_cannot_be_taken_back(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    deposit = s.counter.record(center.t1, ticket, "cash_deposit", "40,000")
    s.counter.record(center.t1, ticket, "cash_withdrawal", "40,500")
    with pytest.raises(Conflict) as err:
        s.counter.cancel_record(center.t1, deposit.id, "录错了")
    assert err.value.key == "cashbox.error.cancel_exceeds_box"
    assert err.value.params["available"] == "500.00"
    assert box(center, center.t1) == 50_000


def _withdraw_at_once(center: Center, db_url: str, ticket: int, amount: str) -> list[Any]:
    """Two terminals of the same teller (each with its own engine and connection) record the
    same withdrawal at the same moment; returns what each got (a record or the error)."""
    s = center.services
    terminals = [Services(make_engine(db_url), s.settings, s.ctx.clock) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = terminals[i].counter.record(center.t1, ticket, "cash_withdrawal", amount)
        except (FieldError, Conflict) as exc:
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    for terminal in terminals:
        terminal.ctx.engine.dispose()
    return results


def test_two_terminals_cannot_both_empty_the_box(center: Center, db_url: str) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "50,000")
    ticket = center.ticket_at(center.t1, "02")
    for amount, left in (("30,000", 2_000_000), ("15,000", 500_000), ("3,000", 200_000)):
        results = _withdraw_at_once(center, db_url, ticket, amount)
        refused = [r for r in results if isinstance(r, Exception)]
        assert len(refused) == 1, results  # exactly one of the two is paid out
        assert isinstance(refused[0], FieldError)
        assert refused[0].key == "cashbox.error.exceeds_box"
        assert box(center, center.t1) == left >= 0
    with Session(s.ctx.engine) as db:
        outs = db.exec(select(ServiceRecord).where(ServiceRecord.cash == "out")).all()
    assert sorted(r.amount_fen for r in outs) == [300_000, 1_500_000, 3_000_000]


# --- balancing -----------------------------------------------------------------------------------
def test_the_five_matches_cannot_be_confirmed_beside_a_difference(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")
    for ticked in (ALL, {"physical": True}, {"cash": True}):
        with pytest.raises(FieldError) as err:
            s.balancing.submit(center.t1, "1,400", ticked)
        assert (err.value.field, err.value.key) == ("counter.field.matches",
                                                    "cashbox.error.matches_with_difference")
        assert err.value.params == {"difference": "-100.00", "expected": "1,500.00",
                                    "counted": "1,400.00"}
    assert s.balancing.mine(center.t1).status == "draft"  # nothing was written
    honest = {**ALL, "physical": False, "cash": False}
    b = s.balancing.submit(center.t1, "1,400", honest, "少 100 元")
    assert (b.difference_fen, b.has_difference, b.blocked) == (-10_000, True, True)
    with pytest.raises(Conflict):
        s.balancing.sign_off(center.sup, b.id)
    s.balancing.handle_difference(center.sup, b.id, "borne", "柜员补足短款")
    assert s.balancing.sign_off(center.sup, b.id).status == "signed_off"
    assert box(center, center.t1) == 150_000


def test_the_re_balance_figures_are_todays(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")
    submitted = s.balancing.submit(center.t1, "1,500", ALL)
    assert s.balancing.mine(center.t1).submitted_figures is None  # nothing new yet
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "250")
    s.counter.record(center.t1, ticket, "cash_withdrawal", "100")
    s.counter.finish(center.t1, ticket, "none")
    again = s.balancing.mine(center.t1)
    assert again.status == "submitted" and again.changed_since_submitted
    assert (again.figures.expected_cash_fen, again.figures.cash_in_fen,
            again.figures.cash_out_fen) == (165_000, 75_000, 10_000)
    assert again.figures.items == {"cash_deposit": 2, "cash_withdrawal": 1}
    assert again.submitted_figures == submitted.figures
    assert again.submitted_figures.expected_cash_fen == 150_000
    # the supervisor still sees what was submitted, and the sign-off catches the change
    [seen] = s.balancing.today(center.sup)
    assert seen.figures.expected_cash_fen == 150_000
    with pytest.raises(Conflict) as err:
        s.balancing.sign_off(center.sup, submitted.id)
    assert err.value.key == "error.balance.changed"
    resubmitted = s.balancing.submit(center.t1, "1,650", ALL)
    assert resubmitted.difference_fen == 0
    assert s.balancing.sign_off(center.sup, resubmitted.id).status == "signed_off"
