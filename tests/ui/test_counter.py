"""The counter screen with Pilot, on the real database: a teller signs on, calls, records business
(bad input keeps the form), a large withdrawal waits for the supervisor's PIN at the same counter,
the wealth-needs question refers a client to their CM, shift hand-over with the receiver's PIN,
balancing with a difference blocked until the supervisor handles it; the supervisor's view; and
snapshots at 80×24 and 120×40."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from textual.widgets import DataTable, SelectionList, Static

from tests.counter_ready import complete_sign_on
from tests.services.counter_helpers import Center, center_fixture  # noqa: F401
from tests.ui.helpers import TEST_PIN, make_app, screen_text, settle, sign_in, type_into
from wealthtui.i18n import t
from wealthtui.model import ServiceRecord, Ticket
from wealthtui.services.balancing import MATCHES
from wealthtui.ui.dialogs.counter_authz import AuthorizationChoice
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.counter_oversee import CounterOverseeScreen
from wealthtui.ui.widgets.counter_ticket import TicketPanel

ALL = dict.fromkeys(MATCHES, True)


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def form(app) -> FormDialog:
    assert isinstance(app.screen, FormDialog), type(app.screen).__name__
    return app.screen


def form_error(app) -> str:
    return str(form(app).query_one("#form-error", Static).render())


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def records(center: Center) -> list[ServiceRecord]:
    with Session(center.services.ctx.engine) as db:
        return list(db.exec(select(ServiceRecord).order_by(ServiceRecord.id)))


def ticket_status(center: Center, ticket_id: int) -> str:
    with Session(center.services.ctx.engine) as db:
        return db.get(Ticket, ticket_id).status


async def record_business(pilot, kind: str, amount: str) -> None:
    await press(pilot, "f5")
    form(pilot.app).widget("type").value = kind
    await type_into(pilot, "#f-amount", amount)
    await press(pilot, "f2")


async def test_a_teller_signs_on_calls_records_and_finishes(center: Center) -> None:
    s = center.services
    ticket = s.queue.issue(center.lobby, "A")
    app = make_app(s)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await sign_in(pilot, "T1")
        assert isinstance(screen, CounterScreen)
        assert t("counter.status.off") in screen_text(app)
        await press(pilot, "ctrl+g")
        form(app).widget("counter").value = "02"
        await type_into(pilot, "#f-cash", "2,000")
        await press(pilot, "f2")
        assert isinstance(app.screen, ChecklistScreen)  # the sign-on procedure opens
        run_id = app.screen.run_id
        await press(pilot, "escape")
        assert "02" in screen_text(app) and "2,000.00" in screen_text(app)
        await press(pilot, "f2")  # refused: the sign-on checklist is not done
        assert ticket_status(center, ticket.id) == "waiting"
        assert notes(app)[-1] == t("cashbox.error.sign_on_open", position=1,
                                   step="向业务主管领取本人尾箱（现金、重要空白凭证、业务用章）")
        complete_sign_on(s, center.t1, run_id, "2,000")  # as done in the checklist (Ctrl+Y)
        await press(pilot, "f2")
        assert "A001" in screen_text(app)
        await record_business(pilot, "cash_deposit", "1,234.50")
        assert [(r.business_type, r.amount_fen) for r in records(center)] == [
            ("cash_deposit", 123_450)]
        shown = app.screen.query_one("#tp-records", DataTable)
        assert any("1,234.50" in str(cell) for row in range(shown.row_count)
                   for cell in shown.get_row_at(row))
        await press(pilot, "f6")
        assert form(app).id == "needs-form"
        await press(pilot, "f2")
        assert ticket_status(center, ticket.id) == "done"
        for _ in range(100):  # the reload after the finish comes back from its thread
            if t("counter.ticket.idle") in screen_text(app):
                break
            await pilot.pause(0.05)
        assert t("counter.ticket.idle") in screen_text(app)


async def test_a_bad_amount_names_the_field_and_keeps_the_text(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02")
    s.queue.issue(center.lobby, "A")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "f2")
        await record_business(pilot, "cash_deposit", "12.345")
        amount = app.screen.query_one("#f-amount", FormField)
        assert amount.error_text == f"{t('field.amount')}：{t('error.field.amount_decimals')}"
        assert amount.value == "12.345"
        assert records(center) == []
        await type_into(pilot, "#f-amount", "12.34")
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
        assert [r.amount_fen for r in records(center)] == [1_234]


async def test_sign_on_refuses_an_empty_box_and_keeps_the_form(center: Center) -> None:
    s = center.services
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "ctrl+g")
        assert t("cashbox.sign_on.info") in [str(w.render()) for w in form(app).query(".form-info")]
        form(app).widget("counter").value = "02"
        await press(pilot, "f2")  # the cash left empty at a cash counter
        cash = form(app).query_one("#f-cash", FormField)
        expected = f"{t('counter.field.opening_cash')}：" \
                   f"{t('cashbox.error.opening_required', counter='02')}"
        assert cash.error_text == expected
        await type_into(pilot, "#f-cash", "0.00")
        await press(pilot, "f2")
        assert form(app).query_one("#f-cash", FormField).error_text == expected
        assert form(app).values() == {"counter": "02", "cash": "0.00"}  # kept as typed
        assert s.counter.current(center.t1) is None
        await type_into(pilot, "#f-cash", "200,000")
        await press(pilot, "f2")
        assert isinstance(app.screen, ChecklistScreen)
    assert s.counter.current(center.t1).opening_cash_fen == 20_000_000


async def test_a_withdrawal_beyond_the_box_is_refused_in_the_form(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    s.queue.issue(center.lobby, "A")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "f2")
        await record_business(pilot, "cash_withdrawal", "60,000")
        amount = app.screen.query_one("#f-amount", FormField)
        assert amount.error_text == f"{t('field.amount')}：" + t(
            "cashbox.error.exceeds_box", amount="60,000.00", available="1,000.00")
        assert amount.value == "60,000" and form(app).values()["type"] == "cash_withdrawal"
        assert records(center) == []
        await type_into(pilot, "#f-amount", "600")
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
    assert [(r.business_type, r.amount_fen) for r in records(center)] == [
        ("cash_withdrawal", 60_000)]


async def test_the_re_balance_form_shows_todays_figures(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "ctrl+d")
        assert "¥1,500.00" in screen_text(app)
        await type_into(pilot, "#f-counted", "1,500")
        form(app).query_one(SelectionList).select_all()
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
        # new business after the submission, done on this screen
        s.queue.issue(center.lobby, "A")
        await press(pilot, "f2")
        await record_business(pilot, "cash_deposit", "250")
        await press(pilot, "f6")
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
        await press(pilot, "ctrl+d")  # reopened: the figures as they are now
        info = [str(w.render()) for w in form(app).query(".form-info")]
        assert t("counter.balance.expected", amount="¥1,750.00") in info
        assert t("cashbox.balance.changed", amount="¥1,500.00") in info
        assert form(app).values()["counted"] == ""  # counted afresh, matches ticked afresh
        assert form(app).values()["matches"] == []
        await type_into(pilot, "#f-counted", "1,750")
        form(app).query_one(SelectionList).select_all()
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
    again = s.balancing.mine(center.t1)
    assert (again.difference_fen, again.changed_since_submitted) == (0, False)
    assert s.balancing.sign_off(center.sup, again.id).status == "signed_off"


async def test_a_large_withdrawal_waits_for_the_supervisors_pin(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    ticket = s.queue.issue(center.lobby, "A")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "f2")
        await record_business(pilot, "cash_withdrawal", "80,000")
        assert isinstance(app.screen, AuthorizationChoice)
        await press(pilot, "escape")  # not now: the business waits
        await press(pilot, "f6")
        assert isinstance(app.screen, CounterScreen)  # finishing is refused while it waits
        assert ticket_status(center, ticket.id) == "serving"
        await press(pilot, "f11")
        await press(pilot, "enter")  # the checker approves here
        assert isinstance(app.screen, SecondPersonDialog)
        await type_into(pilot, "#sp-staff-no", "T1")  # the teller themself: refused
        await press(pilot, "enter")
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await press(pilot, "enter")
        assert isinstance(app.screen, SecondPersonDialog)
        assert app.screen.staff_no.error_text
        await type_into(pilot, "#sp-staff-no", "S1")
        await press(pilot, "enter")
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await press(pilot, "enter")
        assert isinstance(app.screen, CounterScreen)
        [request] = s.authorization.decided_today(center.sup)
        assert (request.status, request.step_up) == ("approved", True)
        await press(pilot, "f6")
        await press(pilot, "f2")
        assert ticket_status(center, ticket.id) == "done"


async def test_the_referral_reaches_the_cms_inbox(center: Center) -> None:
    s = center.services
    client = center.client("张三", "premium", cm=center.cm)
    center.sign_on(center.t1, "02")
    s.queue.issue(center.lobby, "A", client_id=client)
    app = make_app(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "f2")
        assert "张三" in screen_text(app) and "李理财" in screen_text(app)
        await record_business(pilot, "cash_deposit", "60,000")
        assert app.screen.query_one(TicketPanel).serving.referral_suggested
        await press(pilot, "f6")
        assert form(app).values()["needs"] == "refer"  # suggested by the amount
        await press(pilot, "f2")  # the need is required for a referral
        assert form(app).query_one("#f-need", FormField).error_text
        await type_into(pilot, "#f-need", "想了解大额存单")
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
    [referral] = s.handoffs.inbox(center.cm)
    assert (referral.kind, referral.client_name, referral.source) == (
        "referral", "张三", "cash_counter")
    assert "大额存单" in referral.note


async def test_the_supervisor_approves_from_the_inbox(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "100,000")
    ticket = center.ticket_at(center.t1, "02")
    rec = s.counter.record(center.t1, ticket, "cash_withdrawal", "90,000")
    req = s.authorization.request(center.t1, rec.id, note="购房首付")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "S1")
        text = screen_text(app)
        assert "A001" in text and "购房首付" in text and "90,000.00" in text
        await press(pilot, "f2")
        assert isinstance(app.screen, ReasonDialog)
        await type_into(pilot, "#reason", "已核对证件")
        await press(pilot, "enter")
        assert isinstance(app.screen, CounterOverseeScreen)
    assert s.authorization.decided_today(center.sup)[0].id == req.id
    assert s.counter.serving(center.t1).can_finish


async def test_a_balancing_difference_is_blocked_until_handled(center: Center) -> None:
    s = center.services
    center.sign_on(center.t1, "02", "1,000")
    ticket = center.ticket_at(center.t1, "02")
    s.counter.record(center.t1, ticket, "cash_deposit", "500")
    s.counter.finish(center.t1, ticket, "none")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "ctrl+d")
        text = screen_text(app)
        assert "1,500.00" in text  # expected: opening 1,000 + 500 deposited
        await type_into(pilot, "#f-counted", "1,400")
        form(app).query_one(SelectionList).select_all()
        await press(pilot, "f2")  # the five matches cannot be confirmed beside a difference
        matches = form(app).query_one(SelectionList)
        assert form_error(app) == t("common.field_error", field=t("counter.field.matches"),
                                    message=t("cashbox.error.matches_with_difference",
                                              counted="1,400.00", expected="1,500.00",
                                              difference="-100.00"))
        assert form(app).values()["counted"] == "1,400"  # what was typed is kept
        matches.deselect("physical")
        matches.deselect("cash")
        await press(pilot, "f2")
        assert isinstance(app.screen, CounterScreen)
    balance = s.balancing.mine(center.t1)
    assert (balance.status, balance.difference_fen, balance.blocked) == ("submitted", -10_000,
                                                                        True)
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "S1")
        await settle(pilot)  # the oversight screen opens over the counter, then reads
        assert t("counter.balance.blocked") in screen_text(app)
        await press(pilot, "f6")
        await press(pilot, "enter")  # confirm: refused, the difference is not handled
        assert s.balancing.mine(center.t1).status == "submitted"
        await press(pilot, "f5")
        form(app).widget("handling").value = "borne"
        await type_into(pilot, "#f-note", "柜员当场补足短款")
        await press(pilot, "f2")
        await press(pilot, "f6")
        await press(pilot, "enter")
        assert s.balancing.mine(center.t1).status == "signed_off"
        assert t("counter.balance.signed_off") in screen_text(app)


async def test_a_handover_is_confirmed_with_the_receivers_pin(center: Center) -> None:
    s = center.services
    s.counter.sign_on(center.t1, "02", "350")
    app = make_app(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "ctrl+t")
        assert form(app).id == "handover-form"
        await type_into(pilot, "#f-d10000", "3")
        await type_into(pilot, "#f-d5000", "1")
        assert "¥350.00" in screen_text(app)  # the live total by denomination
        await type_into(pilot, "#f-v_passbook", "00012001-00012050")
        await press(pilot, "f2")
        assert form(app).id == "receive-form"
        await press(pilot, "f2")
        assert isinstance(app.screen, SecondPersonDialog)
        await type_into(pilot, "#sp-staff-no", "T2")
        await press(pilot, "enter")
        await type_into(pilot, "#sp-pin", TEST_PIN)
        await press(pilot, "enter")
        assert isinstance(app.screen, CounterScreen)
        assert t("counter.status.off") in screen_text(app)
    assert s.counter.current(center.t2).counter_no == "02"
    assert s.counter.current(center.t2).opening_cash_fen == 35_000


# --- snapshots --------------------------------------------------------------------------------
async def quiet(pilot) -> None:
    """No toasts in a snapshot: whether the welcome is still showing depends on timing."""
    pilot.app.clear_notifications()
    await settle(pilot)


def serving_scene(center: Center) -> None:
    """A premium client at counter 02 with a deposit done and a withdrawal awaiting
    authorisation; more tickets waiting."""
    s = center.services
    client = center.client("欧阳·娜娜", "premium", cm=center.cm)
    center.sign_on(center.t1, "02", "50,000")
    ticket = center.ticket_at(center.t1, "02", client_id=client)
    for _ in range(3):
        s.queue.issue(center.lobby, "A")
    s.counter.record(center.t1, ticket, "cash_deposit", "60,000", note="定期到期转存")
    s.counter.record(center.t1, ticket, "cash_withdrawal", "80,000")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_teller_serving(snap_compare, center: Center, size) -> None:
    serving_scene(center)
    app = make_app(center.services)

    async def run_before(pilot) -> None:
        await sign_in(pilot, "T1")
        await quiet(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_supervisor_view(snap_compare, center: Center, size) -> None:
    serving_scene(center)
    s = center.services
    rec = s.counter.serving(center.t1).records[-1]
    s.authorization.request(center.t1, rec.id, note="购房首付")
    s.counter.sign_on(center.t2, "01", "1,000")
    s.balancing.submit(center.t2, "990", {**ALL, "physical": False, "cash": False}, "少 10 元")
    app = make_app(s)

    async def run_before(pilot) -> None:
        await sign_in(pilot, "S1")
        await quiet(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
