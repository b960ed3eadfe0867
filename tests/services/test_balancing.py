"""End-of-day balancing: the teller's figures are those of the day's records; a difference (cash or
an unticked match) blocks the sign-off until the supervisor records how it is handled; the
supervisor signs off each teller but never their own balance, then the outlet."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from wealthtui import i18n
from wealthtui.i18n import Listed
from wealthtui.model import ServiceRecord
from wealthtui.services.balancing import MATCHES, tellers_not_signed_off
from wealthtui.services.errors import Conflict, FieldError, PermissionDenied

ALL = dict.fromkeys(MATCHES, True)
#: what a teller can truthfully tick beside a cash difference (账实, 账款 cannot be)
BESIDE_DIFFERENCE = {**ALL, "physical": False, "cash": False}


def serve(center: Center, teller, counter: str, business: list[tuple[str, str]],
          category: str = "A") -> int:
    s = center.services
    ticket = center.ticket_at(teller, counter, category)
    for kind, amount in business:
        s.counter.record(teller, ticket, kind, amount)
    return ticket


def a_day(center: Center) -> None:
    """T1 on counter 02 with 100,000 yuan: deposits, a small withdrawal, a transfer, a large
    withdrawal that was rejected and a deposit recorded by mistake and cancelled."""
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    t = serve(center, center.t1, "02", [("cash_deposit", "500"), ("cash_withdrawal", "200")])
    s.counter.finish(center.t1, t, "none")
    t = serve(center, center.t1, "02", [("cash_deposit", "300.50"), ("transfer", "8,000")])
    s.counter.finish(center.t1, t, "none")
    t = serve(center, center.t1, "02", [("cash_withdrawal", "90,000"), ("cash_deposit", "1")])
    serving = s.counter.serving(center.t1)
    req = s.authorization.request(center.t1, serving.records[0].id)
    s.authorization.decide(center.sup, req.id, False, "客户未带本人证件")
    s.counter.cancel_record(center.t1, serving.records[1].id, "重复录入")
    s.counter.finish(center.t1, t, "none")


def test_the_figures_are_those_of_the_days_records(center: Center) -> None:
    s = center.services
    a_day(center)
    f = s.balancing.mine(center.t1).figures
    assert f.items == {"cash_deposit": 2, "cash_withdrawal": 1, "transfer": 1}
    assert (f.opening_cash_fen, f.cash_in_fen, f.cash_out_fen) == (10_000_000, 80_050, 20_000)
    assert f.expected_cash_fen == 10_000_000 + 80_050 - 20_000
    # the same sums straight from the table, by outcome
    with Session(s.ctx.engine) as db:
        done_in = db.exec(select(func.sum(ServiceRecord.amount_fen)).where(
            ServiceRecord.cash == "in", ServiceRecord.outcome == "done")).one()
        done_out = db.exec(select(func.sum(ServiceRecord.amount_fen)).where(
            ServiceRecord.cash == "out", ServiceRecord.outcome == "done")).one()
    assert (done_in, done_out) == (f.cash_in_fen, f.cash_out_fen)
    views = s.counter.records_today(center.t1)
    assert sum(1 for r in views if r.outcome == "done") == f.total_items


def test_a_balanced_teller_is_signed_off_by_the_supervisor(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,600.50", ALL)
    assert (b.status, b.difference_fen, b.has_difference, b.blocked) == ("submitted", 0, False,
                                                                         False)
    with pytest.raises(PermissionDenied):
        s.balancing.sign_off(center.t1, b.id)  # tellers do not sign off balances
    signed = s.balancing.sign_off(center.sup, b.id)
    assert (signed.status, signed.signed_off_by_name) == ("signed_off", "孙主管")
    assert s.counter.current(center.t1) is None  # the counter session is closed with it
    with pytest.raises(Conflict):
        s.balancing.submit(center.t1, "100,600.50", ALL)


def test_a_deliberate_difference_blocks_the_sign_off_until_handled(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,500.50", BESIDE_DIFFERENCE, "点钞时发现少 100 元")
    assert (b.difference_fen, b.blocked) == (-10_000, True)
    with pytest.raises(Conflict) as err:
        s.balancing.sign_off(center.sup, b.id)
    assert err.value.key == "error.balance.difference_unhandled"
    with pytest.raises(FieldError) as err:
        s.balancing.handle_difference(center.sup, b.id, "borne", "")
    assert err.value.field == "counter.field.difference_note"
    with pytest.raises(FieldError):
        s.balancing.handle_difference(center.sup, b.id, "ignore", "x")
    handled = s.balancing.handle_difference(center.sup, b.id, "borne", "柜员当日补足短款")
    assert (handled.handled, handled.blocked, handled.handled_by_name) == (True, False, "孙主管")
    assert s.balancing.sign_off(center.sup, b.id).status == "signed_off"


def test_an_unticked_match_is_a_difference_too(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,600.50", {**ALL, "vouchers": False})
    assert b.difference_fen == 0 and b.blocked
    with pytest.raises(Conflict):
        s.balancing.sign_off(center.sup, b.id)
    s.balancing.handle_difference(center.sup, b.id, "corrected", "少登记一张存单，已补登")
    assert s.balancing.sign_off(center.sup, b.id).status == "signed_off"


def test_nothing_to_handle_without_a_difference(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,600.50", ALL)
    with pytest.raises(Conflict) as err:
        s.balancing.handle_difference(center.sup, b.id, "borne", "x")
    assert err.value.key == "error.balance.no_difference"


def test_a_supervisor_never_signs_off_their_own_balance(center: Center, make_staff) -> None:
    s = center.services
    both = make_staff("supervisor", "cash_teller", staff_no="S2", name="冯主管")  # 一人多岗
    s.counter.sign_on(both, "01", "100")
    b = s.balancing.submit(both, "100", ALL)
    with pytest.raises(PermissionDenied) as err:
        s.balancing.sign_off(both, b.id)
    assert err.value.key == "error.balance.own_work"
    assert s.balancing.sign_off(center.sup, b.id).status == "signed_off"


def test_records_changed_after_submission_are_caught(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,600.50", ALL)
    t = serve(center, center.t1, "02", [("cash_deposit", "50")])
    s.counter.finish(center.t1, t, "none")
    with pytest.raises(Conflict) as err:
        s.balancing.sign_off(center.sup, b.id)
    assert err.value.key == "error.balance.changed"
    again = s.balancing.submit(center.t1, "100,650.50", ALL)
    assert s.balancing.sign_off(center.sup, again.id).status == "signed_off"


def test_submission_waits_for_open_business(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    t = serve(center, center.t1, "02", [("cash_withdrawal", "60,000")])
    with pytest.raises(Conflict) as err:
        s.balancing.submit(center.t1, "1000", ALL)
    assert err.value.key == "error.counter.ticket_open"
    s.queue.park(center.t1, t)
    with pytest.raises(Conflict) as err:
        s.balancing.submit(center.t1, "1000", ALL)
    assert err.value.key == "error.balance.pending_auth"


def test_submission_waits_for_an_unconfirmed_handover(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "100")
    s.handover.start(center.t1, "shift", {10000: "1"})
    with pytest.raises(Conflict) as err:
        s.balancing.submit(center.t1, "100", ALL)
    assert err.value.key == "error.balance.handover_open"


def test_the_outlet_is_signed_off_after_every_teller(center: Center) -> None:
    s = center.services
    a_day(center)
    center.sign_on(center.n1, "04")
    t = serve(center, center.n1, "04", [("card_service", "")], category="B")
    s.counter.finish(center.n1, t, "none")
    day = s.ctx.today()
    with Session(s.ctx.engine) as db:
        assert len(tellers_not_signed_off(db, day)) == 2
    b1 = s.balancing.submit(center.t1, "100,600.50", ALL)
    s.balancing.sign_off(center.sup, b1.id)
    assert s.balancing.not_signed_off(center.sup) == ["吴柜员"]
    with pytest.raises(Conflict) as err:
        s.balancing.sign_off_outlet(center.sup)
    assert err.value.key == "error.balance.tellers_pending" and "吴柜员" in err.value.params["names"]
    assert i18n.t("error.balance.tellers_pending", names=Listed(("吴柜员", "赵柜员"))) == \
        "以下柜员尚未签退：吴柜员、赵柜员。"  # the names stay data until shown
    i18n.set_language("en")
    assert i18n.t("error.balance.tellers_pending", names=Listed(("Wu", "Zhao"))) == \
        "Not signed off yet: Wu, Zhao."
    i18n.set_language("zh_CN")
    b2 = s.balancing.submit(center.n1, "0", ALL)
    s.balancing.sign_off(center.sup, b2.id)
    outlet = s.balancing.sign_off_outlet(center.sup, "日计表已打印核对")
    assert (outlet.signed_off_by_name, outlet.cash_in_fen, outlet.difference_fen) == (
        "孙主管", 80_050, 0)
    assert outlet.items["card_service"] == 1
    assert s.balancing.not_signed_off(center.sup) == []
    with Session(s.ctx.engine) as db:
        assert tellers_not_signed_off(db, day) == []
    with pytest.raises(Conflict):
        s.balancing.sign_off_outlet(center.sup)


def test_only_the_supervisor_signs_off(center: Center) -> None:
    s = center.services
    a_day(center)
    b = s.balancing.submit(center.t1, "100,600.50", ALL)
    with pytest.raises(PermissionDenied):
        s.balancing.sign_off(center.off, b.id)
    with pytest.raises(PermissionDenied):
        s.balancing.sign_off_outlet(center.off)
