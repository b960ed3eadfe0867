"""Restarting into a consistent state (issue 9 item 2), on the screens: work is left half done in
one app, the app is thrown away, and a NEW app (new services, new engine) is started on the same
database file — as after a crash or a power cut. The staff member signs in and finds the open
counter session, the ticket being served and the checklists left open, and resumes a checklist
where it was left: what was ticked before the restart is still ticked, and the next step is
recorded from the new app.

(tests/reliability/test_restart.py kills a real writer process with SIGKILL and checks the same
through the services; this file drives the screens by keys.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import OptionList

from tests.conftest import T0
from tests.lobby_data import add_client, card_no
from tests.ui.helpers import TEST_PIN, make_app, screen_text, settle, sign_in, type_into
from wealthtui.config import Settings
from wealthtui.i18n import t
from wealthtui.rules.clock import FixedClock
from wealthtui.services import Actor, Services
from wealthtui.store.engine import make_engine
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.dialogs.form_dialog import FormDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.counter import CounterScreen
from wealthtui.ui.screens.counter_base import CounterBase
from wealthtui.ui.screens.lobby import LobbyScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.resume import pending_line
from wealthtui.ui.widgets.today import TodayList

SIGN_ON = "counter_sign_on"


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*keys)
    await settle(pilot)


@asynccontextmanager
async def restarted(db_path: Path, settings: Settings, *, minutes: int,
                    size: tuple[int, int]) -> AsyncIterator[tuple[Services, object]]:
    """A new app on the same database file, `minutes` after T0 (new engine, new services)."""
    services = Services(make_engine(str(db_path)), settings, FixedClock(T0 + timedelta(
        minutes=minutes)))
    app = make_app(services)
    try:
        async with app.run_test(size=size) as pilot:
            yield services, pilot
    finally:
        services.ctx.engine.dispose()


def open_list(app) -> TodayList:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, MyChecklistsScreen), type(app.screen).__name__
    return app.screen.query_one(TodayList)


def row_of(today: TodayList, run_id: int) -> int:
    """The table row showing `run_id` (scheduled items first, then the other open runs)."""
    ids = [i.run_id for i in today.items] + [r.id for r in today.runs]
    return ids.index(run_id)


async def down_to(pilot, table, row: int) -> None:  # type: ignore[no-untyped-def]
    """Arrow down from the top of a focused table to `row`."""
    await press(pilot, "home")
    for _ in range(row):
        await pilot.press("down")
    await settle(pilot)
    assert table.cursor_row == row


async def open_row(pilot, today: TodayList, row: int) -> ChecklistPanel:  # type: ignore[no-untyped-def]
    """Arrow to `row` of the list and press Enter: the run opens in a checklist screen."""
    await down_to(pilot, today.table, row)
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ChecklistScreen), type(pilot.app.screen).__name__
    return pilot.app.screen.query_one(ChecklistPanel)


# --- the counter -------------------------------------------------------------------------------
async def test_the_teller_finds_session_ticket_and_sign_on_checklist_after_a_restart(
        services: Services, settings: Settings, make_staff, db_path: Path) -> None:
    make_staff("cash_teller", staff_no="T1", name="陈柜员")
    lobby = make_staff("lobby_manager", staff_no="L1")
    ticket = services.queue.issue(lobby, "A")
    # a branch that lets tellers call before the sign-on checklist is done (by default calls
    # wait for it: tests/services/test_cashbox.py), so the checklist is left unfinished here
    settings = settings.model_copy(update={"cashbox": settings.cashbox.model_copy(
        update={"calls_need_sign_on_checklist": False})})
    services = Services(services.ctx.engine, settings, services.ctx.clock)

    # before the restart: sign on at the screen, tick the first step of the sign-on checklist,
    # call the ticket — then the app goes away with the checklist unfinished
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "T1")
        await press(pilot, "ctrl+g")
        assert isinstance(app.screen, FormDialog)
        app.screen.widget("counter").value = "02"
        await type_into(pilot, "#f-cash", "2,000")
        await press(pilot, "f2")
        assert isinstance(app.screen, ChecklistScreen)
        run_id = app.screen.run_id
        await press(pilot, "enter")  # step 1: the box was drawn
        assert app.screen.query_one(ChecklistPanel).run.state("box_drawn").done
        await press(pilot, "escape")
        await press(pilot, "f2")
        assert ticket.display_no in screen_text(app)
    services.ctx.engine.dispose()

    async with restarted(db_path, settings, minutes=20, size=(80, 24)) as (again, pilot):
        screen = await sign_in(pilot, "T1")
        assert isinstance(screen, CounterScreen)
        text = screen_text(pilot.app)
        # the session on counter 02, the ticket in service, and the checklist left open
        assert "02" in text and "2,000.00" in text
        assert ticket.display_no in text and screen.serving is not None
        assert screen.serving.ticket.id == ticket.id
        pending = screen.query_one("#counter-pending").render()
        assert "1/6" in str(pending) and "Ctrl+Y" in str(pending)

        await press(pilot, "ctrl+y")
        today = open_list(pilot.app)
        assert [i.procedure.id for i in today.items][:1] == [SIGN_ON]
        assert today.items[0].run_id == run_id
        panel = await open_row(pilot, today, row_of(today, run_id))
        assert panel.run is not None and panel.run.id == run_id
        assert panel.run.state("box_drawn").done  # ticked before the restart, still ticked
        await down_to(pilot, panel.table, 6)       # the equipment was checked: tick it now
        await press(pilot, "enter")
        await press(pilot, "escape")
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, CounterScreen)

        run = again.checklists.get(again.auth.login("T1", TEST_PIN), run_id)
        assert [s.step.id for s in run.steps if s.done] == ["box_drawn", "equipment"]
        assert "2/6" in str(screen.query_one("#counter-pending").render())


async def test_a_checklist_left_open_on_an_earlier_day_is_listed_late(
        services: Services, settings: Settings, make_staff, db_path: Path, clock) -> None:
    teller = make_staff("cash_teller", staff_no="T1", name="陈柜员")
    clock.set(T0 - timedelta(days=1))
    left = services.checklists.start(teller, "counter_shift_handover")
    services.checklists.record(teller, left.id, "reason", "leave")
    services.ctx.engine.dispose()

    async with restarted(db_path, settings, minutes=0, size=(120, 40)) as (_again, pilot):
        screen = await sign_in(pilot, "T1")
        assert isinstance(screen, CounterScreen)
        line = str(screen.query_one("#counter-pending").render())
        assert line == t("resume.line_earlier", earlier=1)
        await press(pilot, "ctrl+y")
        today = open_list(pilot.app)
        row = row_of(today, left.id)
        cells = [str(c) for c in today.table.get_row_at(row)]
        assert cells[0] == t("checklist.status.overdue")
        assert cells[2] == "11-29"  # the business day it was started on
        panel = await open_row(pilot, today, row)
        assert panel.run is not None and panel.run.state("reason").done


async def test_nothing_open_no_line(services: Services, make_staff) -> None:
    make_staff("supervisor", staff_no="S1", name="孙主管")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "S1")
        assert isinstance(screen, CounterBase)  # a supervisor at no counter: their view
        assert not screen.query_one("#counter-pending").display


# --- the lobby ---------------------------------------------------------------------------------
async def test_the_lobby_resumes_a_visitors_identification_after_a_restart(
        services: Services, settings: Settings, make_staff, engine, db_path: Path) -> None:
    make_staff("lobby_manager", staff_no="L1", name="赵大堂")
    cm: Actor = make_staff("wealth_cm", staff_no="C1", name="李理财")
    add_client(engine, "张三", seq=1, tier="premium", title="先生", card=card_no(1),
               phone="13800138000", cm_id=cm.staff_id)

    # before the restart: the premium client is identified (greeted, judged, CM told), and the
    # app goes away before the business and the route are chosen
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "L1")
        assert isinstance(screen, LobbyScreen)
        await press(pilot, *"zs")
        await press(pilot, "enter")
        assert screen.visit is not None and screen.visit.checklist_run_id is not None
        run_id = screen.visit.checklist_run_id
    services.ctx.engine.dispose()

    async with restarted(db_path, settings, minutes=3, size=(120, 40)) as (again, pilot):
        screen = await sign_in(pilot, "L1")
        assert isinstance(screen, LobbyScreen) and screen.visit is None  # the visit in hand is gone
        line = str(screen.query_one("#checklist-line").render())
        assert t("resume.line_today", count=1, first="").split("：")[0] in line
        assert "来访客户" in line and "3/5" in line

        await press(pilot, "ctrl+y")
        today = open_list(pilot.app)
        row = row_of(today, run_id)
        cells = [str(c) for c in today.table.get_row_at(row)]
        assert cells[0] == t("checklist.status.in_progress")
        assert cells[1].endswith("· 张三") and cells[3] == "3/5"
        panel = await open_row(pilot, today, row)
        assert panel.run is not None
        assert [s.step.id for s in panel.run.steps if s.done] == ["greet", "judge", "notify_cm"]
        await down_to(pilot, panel.table, [s.step.id for s in panel.run.steps].index("business"))
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, ChoiceDialog)
        assert pilot.app.screen.query_one(OptionList).highlighted == 0
        await press(pilot, "enter")                # the first business kind
        await press(pilot, "escape")
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, LobbyScreen)

        lm = again.auth.login("L1", TEST_PIN)
        run = again.checklists.get(lm, run_id)
        assert {s.step.id for s in run.steps if s.done} == {"greet", "judge", "notify_cm",
                                                            "business"}
        assert "4/5" in str(screen.query_one("#checklist-line").render())

        # with a visitor in hand the line is that visit's checklist; F2 brings the reminder back
        await press(pilot, "f3")
        assert screen.visit is not None
        visit_line = str(screen.query_one("#checklist-line").render())
        assert visit_line == t("lobby.checklist.line", done=1, total=4)
        await press(pilot, "f2")
        line = str(screen.query_one("#checklist-line").render())
        assert line.startswith(t("resume.line_today", count=2, first="").split("：")[0])


async def test_the_reminder_keeps_to_one_line(services: Services, make_staff, clock) -> None:
    """Too long for the width: only the count, in both languages' words."""
    teller = make_staff("cash_teller", staff_no="T1", name="陈柜员")
    clock.set(T0 - timedelta(days=3))
    services.checklists.start(teller, "counter_shift_handover")
    clock.set(T0)
    services.counter.sign_on(teller, "02", "100")  # today's sign-on checklist, open
    today = T0.date()
    wide = pending_line(services.checklists, teller, today=today, width=118)
    assert wide.startswith(t("resume.line_both", count=1, first="", earlier=1).split("：")[0])
    assert "0/6" in wide and cell_len(wide) <= 118
    narrow = pending_line(services.checklists, teller, today=today, width=40)
    assert narrow == t("resume.line_short", count=2)
    services.counter.sign_off(teller)
    for state in services.checklists.open_runs(teller, subject_staff_id=teller.staff_id):
        services.checklists.abandon(teller, state.id, "测试结束")
    assert pending_line(services.checklists, teller, today=today, width=118) == ""
