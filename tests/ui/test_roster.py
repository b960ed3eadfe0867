"""The day's roster on screen (issue 16 item 2), with Pilot at 80x24: the head opens it from the
staff tab (Ctrl+N), records who is in, on leave, at lunch, and names the duty CM and the duty
lobby manager with F-keys; the staff tab then shows the account state and today's roster state
as two columns. The lobby manager records it from the lobby at opening; a lobby assistant sees it
without the editing keys. Both languages."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.widgets import DataTable, Static

from tests.hostile import MARKUP
from tests.ui.helpers import make_app, quiet_settings, screen_text, settle, sign_in, type_into
from wealthtui import i18n
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.roster import RosterDialog
from wealthtui.ui.screens.head import HeadScreen
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.text import fit

SIZE = (80, 24)


def _people(make_staff: Any) -> dict[str, Actor]:
    return {
        "cm1": make_staff("wealth_cm", staff_no="C01", name="李理财"),
        "cm2": make_staff("wealth_cm", staff_no="C02", name="周理财"),
        "lobby": make_staff("lobby_manager", staff_no="L01", name="郑大堂"),
        "asst": make_staff("lobby_assistant", staff_no="L02", name="吴接待"),
    }


async def _select(pilot: Any, dialog: RosterDialog, staff_no: str) -> None:
    table = dialog.query_one("#roster-table", DataTable)
    assert dialog.view is not None
    row = next(i for i, x in enumerate(dialog.view.lines) if x.staff_no == staff_no)
    table.move_cursor(row=row)
    await pilot.pause()


def _fits(app: Any) -> None:
    """Nothing of the screen runs past 80 cells."""
    for line in screen_text(app).splitlines():
        assert cell_len(line) <= SIZE[0], line


async def test_the_head_records_the_roster_at_80x24(services: Services, head: Actor,
                                                    make_staff: Any) -> None:
    people = _people(make_staff)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RosterDialog)
        text = screen_text(app)
        assert "当日排班 2026-11-30" in text and "今日尚未排班" in text
        assert "全员在岗" in text  # the F-keys are in the footer
        _fits(app)
        await pilot.press("f8")  # everyone in
        await settle(pilot)
        assert {x.status for x in dialog.view.lines} == {"in"}  # type: ignore[union-attr]
        await _select(pilot, dialog, "C01")
        await pilot.press("f3")  # leave
        await _select(pilot, dialog, "C02")
        await pilot.press("f6")  # duty CM
        await _select(pilot, dialog, "L01")
        await pilot.press("f7")  # duty lobby manager
        await settle(pilot)
        text = screen_text(app)
        assert "值班客户经理：周理财" in text and "值班大堂经理：郑大堂" in text
        assert "请假 1" in text
        _fits(app)
        # a refused change says why and leaves the table as it was
        await _select(pilot, dialog, "C01")
        await pilot.press("f6")
        await settle(pilot)
        assert "今日不在岗，不能值班" in screen_text(app)
        view = services.roster.day(head)
        assert view.line(people["cm1"].staff_id).status == "leave"  # type: ignore[union-attr]
        assert view.duty_cm.staff_id == people["cm2"].staff_id  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one("#staff-table", DataTable)
        assert str(table.get_cell("C01", "state")) == "正常"   # the account
        assert str(table.get_cell("C01", "today")) == "请假"   # today's roster
        assert str(table.get_cell("C02", "today")) == "在岗 值班客户经理"
        text = screen_text(app)
        assert "账号" in text and "今日排班" in text
        _fits(app)


async def test_the_lobby_manager_opens_the_day_from_the_lobby_in_english(
        services: Services, head: Actor, make_staff: Any, settings: Any) -> None:
    people = _people(make_staff)
    i18n.set_language("en")
    try:
        app = make_app(services, quiet_settings(settings, language="en"))
        async with app.run_test(size=SIZE) as pilot:
            screen = await sign_in(pilot, "L01")
            assert isinstance(screen, LobbyScreen)
            await pilot.press("ctrl+t")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, RosterDialog)
            assert "Today's roster 2026-11-30" in screen_text(app)
            await _select(pilot, dialog, "C01")
            await pilot.press("f4")  # lunch
            await settle(pilot)
            assert "Lunch 1" in screen_text(app)
            _fits(app)
            # no room for a note column at 80 columns: the note is under the table
            table = dialog.query_one("#roster-table", DataTable)
            assert "note" not in dialog.widths and table.max_scroll_x == 0
            services.roster.set_state(head, people["cm2"].staff_id, "out", note="at the branch")
            await pilot.press("escape", "ctrl+t")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, RosterDialog)
            await _select(pilot, dialog, "C02")
            assert "Note on 周理财: at the branch" in screen_text(app)
            await _select(pilot, dialog, "C01")
            assert "Note on" not in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
    finally:
        i18n.set_language("zh_CN")
    line = services.roster.day(head).line(people["cm1"].staff_id)
    assert line is not None and (line.status, line.updated_by) == ("lunch", "L01 郑大堂")


async def test_a_lobby_assistant_sees_the_roster_without_the_editing_keys(
        services: Services, head: Actor, make_staff: Any) -> None:
    people = _people(make_staff)
    services.roster.all_in(head)
    note = MARKUP[5]  # a note is text, never markup
    services.roster.set_state(head, people["cm2"].staff_id, "out", note=note)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "L02")
        await pilot.press("ctrl+t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RosterDialog)
        text = screen_text(app)
        assert "在岗" in text and "全员在岗" not in text  # no editing keys shown
        table = dialog.query_one("#roster-table", DataTable)
        width = dialog.widths["note"]  # the note: what the other columns leave, never scrolled
        assert str(table.get_cell(str(people["cm2"].staff_id), "note")) == fit(note, width)
        assert table.max_scroll_x == 0
        await _select(pilot, dialog, "C02")  # the whole note under the table, as text
        assert f"周理财的备注：{note}" in dialog.query_one("#roster-note", Static).render().plain
        await _select(pilot, dialog, "C01")
        await pilot.press("f3")  # does nothing for them
        await settle(pilot)
    assert services.roster.day(head).line(people["cm1"].staff_id).status == "in"  # type: ignore[union-attr]


async def test_a_cm_records_a_sale_in_the_contact_form_and_the_lead_converts(
        services: Services, head: Actor, make_staff: Any) -> None:
    """Issue 16 item 6 on screen: the contact form has the sale's amount; a `sold` contact with
    the product ticked converts the client's open lead."""
    from datetime import date

    from sqlmodel import Session
    from textual.widgets import Select, SelectionList

    from tests.services.cm_helpers import Desk
    from wealthtui.model import Lead
    from wealthtui.ui.dialogs.form import FormField
    from wealthtui.ui.dialogs.form_dialog import FormDialog
    from wealthtui.ui.screens.cm import CMScreen

    people = _people(make_staff)
    desk = Desk(services, head, people["cm1"], people["cm2"], people["cm2"], people["asst"],
                people["lobby"])
    client = desk.client("钱多多", tier="potential", risk=3, assessed=date(2026, 11, 1))
    lead = services.lobby.spot_potential(people["lobby"], client_id=client, signal="询问理财",
                                         to_staff_id=people["cm1"].staff_id)
    from tests.services.recording_helpers import recorded
    recorded(services, people["cm1"], client, "WM90")  # the sale's dual recording (双录)
    app = make_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot, "C01")
        assert isinstance(screen, CMScreen)
        screen.log_contact(client, "钱多多", purpose="product")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#f-result", Select).value = "sold"
        form.query_one("#f-products", SelectionList).select("WM90")
        await pilot.pause()
        await pilot.press("f2")  # without the amount: refused, naming the field
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#f-sale_amount", FormField).error_text  # names the amount
        await type_into(pilot, "#f-sale_amount", "500000")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form
    with Session(services.ctx.engine) as s:
        row = s.get(Lead, lead.id)
    assert row is not None and (row.status, row.converted_amount_fen) == ("converted", 50_000_000)
