"""The head's screen with Pilot, on the hand-built center of tests/reports/seed.py (clock: Monday
2026-11-30 09:30): dashboard, staff, flow log, KPIs, end of day and its close; snapshots of the
every tab are in tests/ui/test_head_panels.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session
from textual.widgets import DataTable, SelectionList

from tests.reports.seed import D, Seed, build
from tests.ui.helpers import TEST_PIN, make_app, poll, screen_text, settle, sign_in, type_into
from wealthtui.services import Actor, Services
from wealthtui.services.errors import PinChangeRequired
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.head import HeadScreen


@pytest.fixture
def center(engine: Any, head: Actor) -> Seed:
    with Session(engine) as session:
        return build(session)


async def _open(pilot: Any) -> HeadScreen:
    screen = await sign_in(pilot, "H001")
    assert isinstance(screen, HeadScreen)
    return screen


async def _tab(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await settle(pilot)


async def test_dashboard_shows_the_live_figures_and_follows_writes(
        services: Services, center: Seed, make_staff: Any) -> None:
    lobby = make_staff("lobby_manager", staff_no="L900")
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot)
        text = screen_text(app)
        assert "A 现金业务" in text
        assert "投诉已逾期 1" in text and "待授权 1" in text
        assert "张一" in text and "王重" in text          # premium clients in the lobby
        queue = app.screen.query_one("#dash-queue", DataTable)
        assert str(queue.get_cell("B", "waiting")) == "0"
        services.queue.issue(lobby, "B")                    # another terminal issues a ticket
        await poll(pilot)
        await settle(pilot)
        assert str(queue.get_cell("B", "waiting")) == "1"


async def test_tabs_open_with_function_keys_and_show_the_reports(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await _tab(pilot, "f5")
        assert screen.tab == "flow"
        text = screen_text(app)
        assert "业务流量记录 2026-11-30" in text and "大堂经理尚未确认" in text
        cms = screen.query_one("#flow-tables #section-premium_by_cm", DataTable)
        # completed arrivals only (issue 16 item 7): C001 completed a2; a1 and a3 were accepted
        assert [str(cms.get_row_at(i)[2]) for i in range(cms.row_count)] == ["1"]
        await _tab(pilot, "f6")
        assert screen.tab == "kpi" and "考核指标 2026-11" in screen_text(app)
        await _tab(pilot, "f3")
        staff = screen.query_one("#staff-table", DataTable)
        assert staff.row_count == 8  # H001 and the seed's seven
        assert "应配未配专属客户经理" in screen_text(app)
        await _tab(pilot, "f4")
        assert screen.tab == "complaints"
        await _tab(pilot, "f2")
        assert screen.tab == "dashboard"


async def test_add_staff_keeps_what_was_typed_on_bad_input(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await _tab(pilot, "f3")
        await pilot.press("f8")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert not form.query("#f-pin")  # nobody types a PIN for someone else
        await type_into(pilot, "#f-staff_no", "N100")
        await type_into(pilot, "#f-name", "新同事")
        form.query_one("#f-roles", SelectionList).select("lobby_assistant")
        await type_into(pilot, "#f-birthday", "1988-13-40")  # no such date
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-birthday").error_text
        assert form.query_one("#f-name").value == "新同事"
        await type_into(pilot, "#f-birthday", "1988-09-16")
        await pilot.press("f2")
        await settle(pilot)
        shown = app.screen  # the one-time PIN, shown once
        assert isinstance(shown, FormDialog) and shown.id == "one-time-pin"
        one_time = re.search(r"(\d{8})", screen_text(app)).group(1)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and one_time not in screen_text(app)
        assert "N100" in screen.query_one("#staff-table", DataTable).rows
    added = next(s for s in services.staff.roster(services.auth.login("H001", TEST_PIN))
                 if s.staff_no == "N100")
    assert added.roles == ("lobby_assistant",) and added.pin_must_change
    with pytest.raises(PinChangeRequired):  # their own PIN first, at another terminal
        services.auth.login("N100", one_time, terminal="lobby-kiosk")


async def test_enter_a_monthly_figure(services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(pilot)
        await _tab(pilot, "f6")
        await pilot.press("ctrl+e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        await type_into(pilot, "#f-value", "95")
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, FormDialog)
        text = screen_text(app)
        # the first choice is the agency income: now 95 yuan, entered by H001
        assert "H001 王主任" in text
    head = services.auth.login("H001", TEST_PIN)
    income = services.reports.kpi(head, "2026-11").indicator("agency_income")
    assert income is not None and income.value == 95


async def test_closing_today_is_refused_while_a_teller_is_not_signed_off(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await _tab(pilot, "f7")
        assert "日终汇总 2026-11-30" in screen_text(app)
        tellers = screen.query_one("#eod-tables #section-tellers", DataTable)
        assert tellers.row_count == 2
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CloseDayDialog)
        text = screen_text(app)
        assert "柜员 T002 周柜员：已提交待签核" in text
        for i, problem in enumerate(dialog.problems):
            if problem.explainable:
                dialog.query_one(f"#explain-{i}", FormField).value = "已说明"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is dialog  # still refused: T002 is not signed off
        assert "暂不能关账" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    head = services.auth.login("H001", TEST_PIN)
    assert not services.day.state(head, D).closed


async def test_close_yesterday_with_explanations_and_export(
        services: Services, center: Seed, tmp_path: Path) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await _tab(pilot, "f7")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await type_into(pilot, "#f-when", "2026-11-29")
        await pilot.press("f2")
        await settle(pilot)
        assert "日终汇总 2026-11-29" in screen_text(app)
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CloseDayDialog)
        assert all(p.explainable for p in dialog.problems)
        await type_into(pilot, "#explain-0", "周日不营业")   # typed like a user …
        for i in range(1, len(dialog.problems)):             # … the rest filled in
            dialog.query_one(f"#explain-{i}", FormField).value = "周日不营业"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is screen
        assert "已关账（H001 王主任）" in screen_text(app)
        await pilot.press("ctrl+e")
        await settle(pilot)
    exported = tmp_path / "data" / "exports" / "eod-2026-11-29.xlsx"
    assert exported.is_file()
    assert "汇总" in load_workbook(exported).sheetnames


async def test_month_view_in_the_end_of_day_tab(services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot)
        await _tab(pilot, "f7")
        await pilot.press("ctrl+g")
        await settle(pilot)
        await type_into(pilot, "#f-when", "2026-11")
        await pilot.press("f2")
        await settle(pilot)
        assert "月度汇总 2026-11" in screen_text(app)
        days = screen.query_one("#eod-tables #section-days", DataTable)
        assert days.row_count == 4
        await pilot.press("f8")   # a month cannot be closed
        await settle(pilot)
        assert app.screen is screen


async def test_bad_date_keeps_the_text(services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await _tab(pilot, "f5")
        await pilot.press("f8")
        await settle(pilot)
        await type_into(pilot, "#f-day", "2026-13-01")
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        assert "YYYY-MM-DD" in form.query_one("#f-day").error_text
        assert form.query_one("#f-day").value == "2026-13-01"


# --- snapshots: every tab at 80x24 and 120x40 in both languages, tests/ui/test_head_panels.py ----
