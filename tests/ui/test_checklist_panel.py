"""The checklist panel, the "today" list and the second-person dialog, driven by keyboard
(Pilot) in a tiny host app, and a snapshot of the panel in Chinese at 80×24."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.widgets import Input

from tests.conftest import SHANGHAI, TEST_PIN
from tests.ui import host_app
from tests.ui.host_app import HostApp
from wealthtui.services import Actor, Services
from wealthtui.ui.bindings import TranslatedBindings
from wealthtui.ui.dialogs.choice import ChoiceDialog
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.dialogs.second_person import SecondPersonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.today import TodayList


class HostScreen(TranslatedBindings, host_app.HostScreen):
    """The shared host screen, its keys translated."""


class Host(HostApp):
    """What a role screen's app offers the panel: services, settings, actor, the call path,
    and opening a run the today list asks for (as the screens do)."""

    def __init__(self, services: Services, actor: Actor, widget: Any) -> None:
        super().__init__(services, actor)
        self.widget = widget
        self.completed: list[int] = []
        self.opened: list[int] = []

    def on_mount(self) -> None:
        self.push_screen(HostScreen(self.widget))

    def on_checklist_panel_completed(self, event: ChecklistPanel.Completed) -> None:
        self.completed.append(event.run.id)

    def on_today_list_opened(self, event: TodayList.Opened) -> None:
        self.opened.append(event.run_id)
        self.push_screen(ChecklistScreen(event.run_id), lambda _run: event.today.reload())


async def type_text(pilot: Any, text: str) -> None:
    field = pilot.app.focused
    assert isinstance(field, Input)
    field.value = ""
    await pilot.press(*text)


async def test_ticking_through_a_checklist_with_the_keyboard(services, make_staff):
    lm = make_staff("lobby_manager", name="刘大堂")
    run = services.checklists.start(lm, "lobby_opening")
    app = Host(services, lm, ChecklistPanel(run.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the run is read off the event loop: let it show first
        panel = app.screen.query_one(ChecklistPanel)
        # rows: meeting, queue machine, self-service, faults (text, optional), materials, …
        for key in ("enter", "down", "enter", "down", "enter", "down", "down", "enter",
                    "down", "enter", "down", "enter"):
            await pilot.press(key)
        await pilot.pause()
        assert panel.run is not None
        assert [s.done for s in panel.run.steps] == [True, True, True, False, True, True, True,
                                                     False]
        # F9 with the last required step open: refused, the run stays open
        await pilot.press("f2")
        await pilot.pause()
        assert panel.run.status == "open" and app.completed == []
        await pilot.press("down", "enter", "f2")
        await pilot.pause()
        assert panel.run.status == "done" and app.completed == [run.id]
        assert services.checklists.get(lm, run.id).status == "done"
        done = panel.run.state("queue_machine")
        assert done.done_by == "刘大堂" and done.done_at is not None


async def test_values_choices_and_mistakes_are_entered_in_dialogs(services, make_staff):
    teller = make_staff("cash_teller")
    run = services.checklists.start(teller, "counter_sign_on")
    app = Host(services, teller, ChecklistPanel(run.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the run is read off the event loop: let it show first
        panel = app.screen.query_one(ChecklistPanel)
        await pilot.press("down", "enter")  # cash counted → amount dialog
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        await type_text(pilot, "2万")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # refused: the dialog stays, with what was typed
        assert dialog.field.value == "2万" and "金额" in dialog.field.error_text
        await type_text(pilot, "20,000.50")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)
        assert panel.run is not None and panel.run.state("cash_counted").value == "2000050"
        table = panel.table
        assert "20,000.50" in str(table.get_cell("cash_counted", "value"))

        await pilot.press("down", "down", "enter")  # do cash and vouchers agree? → choices
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert panel.run.state("box_matches").value == "differ"
        assert panel.run.state("difference_note").required
        assert str(table.get_cell("box_matches", "value")) == "不一致"


async def test_a_sign_off_asks_a_second_person_and_refuses_the_maker(services, make_staff):
    teller = make_staff("cash_teller", name="吴柜员")
    make_staff("supervisor", name="郑主管", staff_no="S900")
    run = services.checklists.start(teller, "counter_shift_handover")  # a change of shift
    for step, value in (("reason", "shift"), ("balanced", ""), ("cash_declared", "100"),
                        ("vouchers_declared", "20"), ("count_result", "match")):
        run = services.checklists.record(teller, run.id, step, value)
    app = Host(services, teller, ChecklistPanel(run.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the run is read off the event loop: let it show first
        panel = app.screen.query_one(ChecklistPanel)
        panel.table.move_cursor(
            row=next(i for i, x in enumerate(run.steps) if x.step.id == "receiver_signoff"))
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SecondPersonDialog)
        await type_text(pilot, teller.staff_no)
        await pilot.press("enter")
        await type_text(pilot, TEST_PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "另一位员工" in dialog.staff_no.error_text
        assert dialog.pin.value == ""
        dialog.staff_no.value = ""
        dialog.staff_no.focus()
        await type_text(pilot, "S900")
        await pilot.press("enter")
        await type_text(pilot, TEST_PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)
        state = panel.run.state("receiver_signoff")
        assert state.done and state.signed_off_by == "郑主管"
        await pilot.press("f2")
        await pilot.pause()
        assert app.completed == [run.id]


async def test_the_today_list_opens_a_procedure_and_shows_it_done(services, make_staff, clock):
    clock.set(datetime(2026, 11, 30, 8, 30, tzinfo=SHANGHAI))
    lm = make_staff("lobby_manager")
    app = Host(services, lm, TodayList())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the list is read off the event loop
        today = app.screen.query_one(TodayList)
        assert [i.procedure.id for i in today.items] == ["lobby_opening", "lobby_closing"]
        assert str(today.table.get_cell_at((0, 0))) == "未开始"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)
        [run_id] = app.opened
        panel = app.screen.query_one(ChecklistPanel)
        assert panel.run is not None
        for state in panel.run.steps:
            if state.required:
                services.checklists.record(lm, run_id, state.step.id)
        panel.reload()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)
        assert str(today.table.get_cell_at((0, 0))) == "已完成"
        clock.set(datetime(2026, 11, 30, 17, 45, tzinfo=SHANGHAI))
        today.reload()
        await pilot.pause()
        assert str(today.table.get_cell_at((1, 0))) == "已逾期"


def test_the_panel_in_chinese_at_80x24(snap_compare, services, make_staff):
    teller = make_staff("cash_teller", name="陈柜员")
    run = services.checklists.start(teller, "counter_shift_handover")
    for step, value in (("reason", "leave"), ("balanced", ""), ("cash_declared", "52,300"),
                        ("vouchers_declared", "40"), ("count_result", "match")):
        services.checklists.record(teller, run.id, step, value)
    services.checklists.record(teller, run.id, "receiver_signoff",
                               signer=make_staff("cash_teller", name="黄柜员"))
    app = Host(services, teller, ChecklistPanel(run.id))

    async def focus_witness(pilot: Any) -> None:
        await pilot.pause()  # the run is read off the event loop: let it show first
        app.screen.query_one(ChecklistPanel).table.move_cursor(row=7)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=focus_witness)
