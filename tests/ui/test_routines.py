"""Every role's routines reachable from its own screen (issue 16 items 1 and 3), at 80×24:
Ctrl+Y on the head's screen opens the head's routines and the appearance check feeds the KPI;
the lobby manager confirms the flow log from the closing routine, seeing the figures; the
marketing CM has a routine of their own; the head's close lists open hand-offs and F3 carries
them over."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.helpers import make_app, screen_text, settle, sign_in
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.flow_confirm import FlowLogConfirmDialog
from wealthtui.ui.dialogs.form import FormField
from wealthtui.ui.dialogs.reason import ReasonDialog
from wealthtui.ui.screens.checklist import ChecklistScreen
from wealthtui.ui.screens.my_checklists import MyChecklistsScreen
from wealthtui.ui.widgets.checklist import ChecklistPanel
from wealthtui.ui.widgets.today import TodayList


async def press(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def open_routine(pilot: Any, procedure_id: str) -> ChecklistPanel:
    """Ctrl+Y, the routine's row, Enter: its checklist over the screen."""
    app = pilot.app
    await press(pilot, "ctrl+y")
    assert isinstance(app.screen, MyChecklistsScreen), type(app.screen).__name__
    today = app.screen.query_one(TodayList)
    row = next(i for i, item in enumerate(today.items) if item.procedure.id == procedure_id)
    today.table.move_cursor(row=row)
    await press(pilot, "enter")
    assert isinstance(app.screen, ChecklistScreen)
    return app.screen.query_one(ChecklistPanel)


async def record(pilot: Any, panel: ChecklistPanel, step_id: str, value: str = "") -> None:
    assert panel.run is not None
    row = next(i for i, s in enumerate(panel.run.steps) if s.step.id == step_id)
    panel.table.move_cursor(row=row)
    await press(pilot, "enter")
    if value:
        assert isinstance(pilot.app.screen, ReasonDialog)
        await press(pilot, *value)
        await press(pilot, "enter")


async def test_the_head_runs_the_appearance_check_with_ctrl_y(services: Services,
                                                              head: Actor) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        await press(pilot, "f1")  # F1 lists the key (and "my complaints")
        help_text = screen_text(app)
        assert "Ctrl+Y" in help_text and "我的清单" in help_text and "我的投诉" in help_text
        await press(pilot, "escape")
        await press(pilot, "ctrl+y")
        listed = {i.procedure.id for i in app.screen.query_one(TodayList).items}
        assert {"head_morning_meeting", "head_appearance_check", "head_end_of_day"} <= listed
        await press(pilot, "escape")
        panel = await open_routine(pilot, "head_appearance_check")
        for step in ("dress", "grooming", "desks"):
            await record(pilot, panel, step)
        await record(pilot, panel, "checked", "10")
        await record(pilot, panel, "compliant", "8")
        await press(pilot, "f2")
        assert panel.run is not None and panel.run.status == "done"
    appearance = next(i for i in services.reports.kpi(head, "2026-11").center
                      if i.code == "appearance")
    assert (appearance.value, appearance.detail) == (80.0, "8/10")
    keys = {p.key for p in services.day.state(head).problems}
    assert "checklist:head_appearance_check" not in keys


@pytest.fixture
def lobby(make_staff: Any) -> Actor:
    return make_staff("lobby_manager", name="钱大堂", staff_no="L001")


async def test_the_lobby_manager_confirms_the_flow_log_from_the_closing_routine(
        services: Services, head: Actor, lobby: Actor) -> None:
    services.lobby.arrive(lobby)  # a visitor today: the figures are the report's
    flow = services.reports.flow_log(lobby)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        panel = await open_routine(pilot, "lobby_closing")
        await record(pilot, panel, "flow_log")
        dialog = app.screen
        assert isinstance(dialog, FlowLogConfirmDialog)
        text = screen_text(app)
        assert "业务流量记录" in text and "尚未确认" in text
        assert dialog.flow.visitors == flow.visitors == 1
        await press(pilot, "f2")
        assert app.screen is not dialog
        assert panel.run is not None and panel.run.state("flow_log").done
    state = services.day.state(head)
    assert state.flow_log_confirmed_by.endswith("钱大堂")
    assert "flow_log:flow_log" not in {p.key for p in state.problems}


async def test_escape_leaves_the_flow_log_unconfirmed(services: Services, head: Actor,
                                                      lobby: Actor) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "L001")
        panel = await open_routine(pilot, "lobby_closing")
        await record(pilot, panel, "flow_log")
        await press(pilot, "escape")
        assert isinstance(app.screen, ChecklistScreen)
        assert panel.run is not None and not panel.run.state("flow_log").done
    assert services.day.state(head).flow_log_confirmed_by == ""


async def test_the_marketing_cm_opens_their_own_routine(services: Services, make_staff: Any,
                                                       head: Actor) -> None:
    make_staff("marketing_cm", name="孙营销", staff_no="M001")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "M001")
        panel = await open_routine(pilot, "marketing_cm_day")
        assert panel.run is not None and panel.run.procedure.manual == "ch.6 §6.4"
        assert "按实践重建" in screen_text(app)


async def test_the_close_lists_open_handoffs_and_f3_carries_them_over(
        services: Services, head: Actor, make_staff: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialog lists the oldest open hand-offs (one here) and counts the rest; F3 carries
    the set shown, and when another arrives before F3 the close is refused with that sentence,
    the count follows, and F3 again carries all of them."""
    monkeypatch.setattr("wealthtui.services.handoffs.SHOWN_AT_CLOSE", 1)
    cm = make_staff("wealth_cm", name="李理财", staff_no="C001")
    h = services.handoffs.create(head, kind="general", to_staff_id=cm.staff_id, note="回电客户")
    h2 = services.handoffs.create(head, kind="general", to_staff_id=cm.staff_id, note="寄送资料")
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        await press(pilot, "f7")
        await press(pilot, "f8")
        dialog = app.screen
        assert isinstance(dialog, CloseDayDialog)
        assert f"未完成的交接 #{h.id}" in screen_text(app)
        assert f"#{h2.id}" not in screen_text(app)
        assert "另有 1 条未完成的交接未列出" in screen_text(app)
        for i, problem in enumerate(dialog.problems):
            if problem.explainable and problem.kind != "handoff":
                dialog.query_one(f"#explain-{i}", FormField).value = "今日无人值守"
        late = services.handoffs.create(head, kind="general", to_staff_id=cm.staff_id,
                                        note="另一台终端")   # after the head's look
        await press(pilot, "f3")
        assert app.screen is dialog and not services.day.state(head).closed
        shown = "".join(screen_text(app).replace("█", "").split())  # the sentence wraps
        assert "您看到2条，现在3条" in shown
        assert "另有 2 条未完成的交接未列出" in screen_text(app)
        await press(pilot, "f3")
        assert app.screen is not dialog
    state = services.day.state(head)
    assert state.closed
    assert all(services.handoffs.get(cm, x.id).carried_to is not None for x in (h, h2, late))
