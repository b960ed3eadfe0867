"""The client manager's screen, driven by the keyboard with Pilot, and its snapshots."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from tests.conftest import T0
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.ui.helpers import make_app, screen_text, settle, sign_in, type_into
from wealthtui.i18n import t
from wealthtui.model import AuditEvent
from wealthtui.rules.agenda import Fold
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.dialogs.handoff import HandoffDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.client_file import ClientFileScreen
from wealthtui.ui.screens.cm import CMScreen
from wealthtui.ui.widgets.cm_tables import AgendaTable, ChangeTable, PortfolioTable

TODAY = date(2026, 11, 30)


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


def sample(desk: Desk) -> dict[str, int]:
    """A small book for 李理财 (C01): a follow-up due, a birthday this week, a maturity, a key
    client with a middle-dot name, and an arrival from the lobby."""
    qian = desk.client("钱多多", cm=desk.cm1, birthday=date(1966, 12, 3), risk=3,
                       assessed=date(2026, 1, 5))
    desk.past_contact(qian, desk.cm1, T0 - timedelta(days=8), next_date=TODAY)
    mai = desk.client("买买提·艾力", tier="key", cm=desk.cm1, aum_fen=800_000_000)
    desk.past_contact(mai, desk.cm1, T0 - timedelta(days=3))
    desk.holding(mai, date(2026, 12, 4), name="稳健型理财（90天）")
    zhou = desk.client("周潜力", tier="potential", cm=desk.cm1, aum_fen=30_000_000,
                       birthday=date(1980, 12, 3), lunar=True)
    desk.past_contact(zhou, desk.cm1, T0 - timedelta(days=20))
    return {"qian": qian, "mai": mai, "zhou": zhou}


async def test_an_arrival_accepted_and_a_contact_with_a_follow_up_on_its_day(desk: Desk) -> None:
    """The Done-when walk: the lobby sends a premium arrival, the CM accepts it (the lobby sees it
    at once), opens the file from the inbox, logs a contact with a follow-up in 7 days, and finds
    it on that day's agenda."""
    ids = sample(desk)
    arrival = desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                            to_staff_id=desk.cm1.staff_id, client_id=ids["mai"],
                                            source="lobby", note="在理财室等候")
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        assert isinstance(screen, CMScreen)
        assert t("cm.status.inbox", open=1, late=0) in screen_text(app)
        await pilot.press("f9")
        await pilot.press("enter")  # the hand-off dialog
        assert isinstance(app.screen, HandoffDialog)
        assert "在理财室等候" in screen_text(app)
        await pilot.press("f2")  # accept
        await settle(pilot)
        (seen,) = desk.services.handoffs.sent(desk.lobby)
        assert seen.status == "accepted"
        await pilot.press("enter", "f5")  # the arrival's client file
        await settle(pilot)
        assert isinstance(app.screen, ClientFileScreen)
        assert app.screen.view.id == ids["mai"]
        assert "139****5678" in screen_text(app) and "13912345678" not in screen_text(app)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await type_into(pilot, "#f-content", "介绍大额存单")
        await type_into(pilot, "#f-next_action", "约面谈")
        await type_into(pilot, "#f-next_date", "7")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ClientFileScreen)
        assert "介绍大额存单" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        # a status that comes back after its line went (the app closing) is dropped quietly
        await screen.query_one("#cm-status").remove()
        screen._load_status()
        await settle(pilot)
        assert app.screen is screen and not screen._status_loading
    later = desk.services.agenda.items(desk.cm1, start=TODAY + timedelta(days=7))
    assert [(i.due, i.param("action")) for i in later
            if i.kind == "follow_up" and i.client_id == ids["mai"]] == [
        (TODAY + timedelta(days=7), "约面谈")]
    assert arrival.id


async def test_declining_an_arrival_sends_it_to_the_duty_cm(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    desk.duty(desk.cm2, TODAY)
    desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                  to_staff_id=desk.cm1.staff_id, client_id=client, source="lobby")
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C01")
        await pilot.press("f9")  # the inbox is hidden below 30 rows: F9 shows it
        await pilot.press("enter", "f3")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        assert t("cm.inbox.decline_onward") in screen_text(app)
        await type_into(pilot, "#reason", "正在面谈")
        await pilot.press("enter")
        await settle(pilot)
    (onward,) = desk.services.handoffs.inbox(desk.cm2)
    assert (onward.kind, onward.client_id, onward.status) == ("premium_arrival", client, "open")


async def test_the_agenda_opens_the_client_with_the_right_action(desk: Desk) -> None:
    ids = sample(desk)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        table = screen.query_one("#agenda-today", AgendaTable)
        # today's due first, then the birthday coming up (3 days' lead), then the overdue
        # maturity reminder folded into one line with its count
        assert [(i.kind, i.count if isinstance(i, Fold) else i.client_id) for i in table.items] == [
            ("follow_up", ids["qian"]), ("birthday", ids["qian"]), ("maturity", 1)]
        assert isinstance(table.items[2], Fold)
        assert t("cm2.agenda.fold_count", count=1) in screen_text(app)
        table.move_cursor(row=2)
        await pilot.press("enter")  # opens the folded line
        assert [(i.kind, i.client_id) for i in table.items] == [
            ("follow_up", ids["qian"]), ("birthday", ids["qian"]), ("maturity", ids["mai"])]
        table.move_cursor(row=0)
        await pilot.press("f8")  # the follow-up: purpose preset, the promise kept by it
        await settle(pilot)
        assert app.screen.query_one("#f-purpose").value == "follow_up"
        await type_into(pilot, "#f-content", "已回电")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CMScreen)
        assert [i.kind for i in table.items if not i.done] == ["birthday", "maturity"]
        await pilot.press("f3")  # the week: the lunar and the solar birthday
        await settle(pilot)
        week = screen.query_one("#agenda-week", AgendaTable)
        births = [(i.client_id, i.due) for i in week.items if i.kind == "birthday"]
        assert births == [(ids["qian"], date(2026, 12, 3)), (ids["zhou"], date(2026, 12, 4))]
        assert "农历10月26日生日" in screen_text(app)


async def test_a_product_above_the_risk_level_is_refused_and_the_form_keeps_what_was_typed(
        desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, risk=2, assessed=date(2026, 6, 1))
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C01")
        screen.open_client(client)
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await type_into(pilot, "#f-content", "介绍股票型基金")
        form.query_one("#f-products").select("EQF")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert "R4" in screen_text(app) and "C2" in screen_text(app)
        assert form.query_one("#f-content").value == "介绍股票型基金"
        await type_into(pilot, "#f-acknowledgement", "风险揭示书 118")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form  # issue 17: a signature does not let it through
        assert "R4" in screen_text(app) and "C2" in screen_text(app)
        form.query_one("#f-products").deselect("EQF")
        form.query_one("#f-products").select("WM90")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ClientFileScreen)


async def test_another_cms_client_is_refused_and_the_attempt_audited(desk: Desk) -> None:
    theirs = desk.client("钱多多", cm=desk.cm2)
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await sign_in(pilot, "C01")
        screen.open_client(theirs)
        await settle(pilot)
        assert isinstance(app.screen, CMScreen)
        assert t("error.client_file.not_yours") in notes(app)
    with Session(desk.engine) as s:
        refused = s.exec(select(AuditEvent).where(AuditEvent.action == "client.file.refused")).all()
    assert [(e.actor_id, e.entity_id) for e in refused] == [(desk.cm1.staff_id, str(theirs))]


async def test_reveal_asks_for_a_reason_then_shows_the_number_briefly(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1, phone="13912345678")
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await sign_in(pilot, "C01")
        screen.open_client(client)
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        await type_into(pilot, "#reason", "客户来电核对")
        await pilot.press("enter")
        await settle(pilot)
        assert any("13912345678" in n for n in notes(app))


async def test_portfolio_and_cm_change_tabs(desk: Desk) -> None:
    sample(desk)
    moved = desk.client("吴转来", cm=desk.cm2)
    desk.services.assignments.assign(desk.head, moved, desk.cm1.staff_id, "周理财调岗")
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "C01")
        await pilot.press("f4")
        await settle(pilot)
        assert screen.query_one(PortfolioTable).row_count == 4
        assert t("cm.portfolio.head_below", name="李理财", size=4, min=100, max=200,
                 tiers="").split("  ")[0] in screen_text(app)
        await pilot.press("f6")
        await settle(pilot)
        changes = screen.query_one(ChangeTable)
        assert [c.client_id for c in changes.items] == [moved]
        assert t("cm.change.days_left", days=30) in screen_text(app)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("escape")
        await settle(pilot)


async def test_cash_business_goes_to_the_cash_tellers(desk: Desk, make_staff) -> None:  # type: ignore[no-untyped-def]
    ids = sample(desk)
    teller = make_staff("cash_teller")
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C01")
        await pilot.press("ctrl+t")
        await settle(pilot)
        await type_into(pilot, "#reason", "取现五万元")
        await pilot.press("enter")
        await settle(pilot)
    (sent,) = desk.services.handoffs.inbox(teller)
    assert (sent.kind, sent.client_id, sent.note) == ("cash_business", ids["qian"], "取现五万元")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_cm_screen_snapshot(snap_compare, desk: Desk, size) -> None:  # type: ignore[no-untyped-def]
    sample(desk)
    desk.services.handoffs.create(desk.lobby, kind="premium_arrival",
                                  to_staff_id=desk.cm1.staff_id, source="lobby", note="V003")
    app = make_app(desk.services)

    async def signed_in(pilot) -> None:  # type: ignore[no-untyped-def]
        await sign_in(pilot, "C01")
        pilot.app.clear_notifications()  # the welcome toast comes and goes on its own clock
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=signed_in)


async def test_find_a_client_by_initials_and_edit_the_file(desk: Desk) -> None:
    client = desk.client("钱多多", cm=desk.cm1)
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C01")
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press(*"qdd")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientFileScreen) and app.screen.view.id == client
        await pilot.press("f4")
        await settle(pilot)
        await type_into(pilot, "#f-occupation", "中学教师")
        await type_into(pilot, "#f-risk_assessed_on", "2026-13-01")
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert t("error.cm_ui.date") in screen_text(app)
        assert form.query_one("#f-occupation").value == "中学教师"
        await type_into(pilot, "#f-risk_assessed_on", "")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ClientFileScreen)
        assert "中学教师" in screen_text(app)


async def test_a_target_is_worked_from_the_targets_tab(desk: Desk) -> None:
    from wealthtui.services.targets import TargetFilters

    client = desk.client("孙潜力", tier="potential", aum_fen=45_000_000)
    made = desk.services.targets.create(desk.head, "年末提升", TargetFilters(near_premium=True),
                                        TODAY + timedelta(days=10), cm_ids=[desk.cm1.staff_id])
    app = make_app(desk.services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "C01")
        await pilot.press("f5")
        await settle(pilot)
        assert "孙潜力" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-status").value = "converted"
        await type_into(pilot, "#f-outcome", "已开理财金账户")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CMScreen)
    (target,) = desk.services.targets.targets(desk.head, made.id)
    assert (target.client_id, target.status, target.outcome) == (client, "converted", "已开理财金账户")


async def test_a_large_book_is_put_in_the_table_a_page_at_a_time(desk: Desk) -> None:
    """Issue 22: a book of hundreds is not added and measured whole at each load: the first page
    at once (the most urgent first), the next when the cursor comes near its end, all at
    Ctrl+End; a reload keeps the cursor on its row."""
    from wealthtui.ui.widgets.cm_tables import PAGE, PAGE_MARGIN

    size = PAGE + 30
    for i in range(size):
        desk.client(f"客户{i:03d}", cm=desk.cm1)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        await pilot.press("f4")
        await settle(pilot)
        table = screen.query_one(PortfolioTable)
        assert (len(table.items), table.row_count, table.more) == (size, PAGE, 30)
        table.move_cursor(row=PAGE - PAGE_MARGIN - 2)
        await settle(pilot)
        assert table.row_count == PAGE                  # not yet near the end
        await pilot.press("down")
        await settle(pilot)
        assert table.row_count == size                  # the next page (the rest)
        table.move_cursor(row=0)
        screen.current_panel().reload()                 # a change marker: read again
        await settle(pilot)
        assert table.row_count == PAGE                  # the first page again
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.row_count == size and table.cursor_row == size - 1
        assert table.current is table.items[-1]
        screen.current_panel().reload()                 # a change marker: the same rows again
        await settle(pilot)
        assert table.cursor_row == size - 1 and table.current == table.items[-1]
        assert table.row_count == size
