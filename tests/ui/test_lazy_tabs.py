"""Issue 22: the head's and the CM's screens compose only the tab shown at sign-in; another tab's
widgets are made the first time it is shown (ui/widgets/lazy_tabs.py), then kept, and load their
data then. A change marker while a tab was never shown reloads nothing there."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from tests.reports.seed import Seed, build
from tests.services.cm_helpers import Desk, desk_fixture  # noqa: F401
from tests.ui.helpers import make_app, settle, sign_in
from tests.ui.test_cm import sample
from wealthtui.services import Actor
from wealthtui.ui.screens.cm import CMScreen
from wealthtui.ui.screens.head import HeadScreen
from wealthtui.ui.widgets.cm_panels import PortfolioPanel
from wealthtui.ui.widgets.head_reports import KpiPanel
from wealthtui.ui.widgets.head_staff import StaffPanel
from wealthtui.ui.widgets.lazy_tabs import LazyPane
from wealthtui.ui.widgets.today import TodayList


@pytest.fixture
def center(engine: Any, head: Actor) -> Seed:
    with Session(engine) as session:
        return build(session)


def _composed(screen: Any) -> dict[str, int]:
    """Widgets under each tab pane (0: not composed)."""
    return {pane.id: len(list(pane.query("*"))) for pane in screen.query(LazyPane)}


async def test_head_sign_in_composes_the_dashboard_only(services: Any, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        await settle(pilot)
        counts = _composed(screen)
        assert counts["dashboard"] > 0
        assert {k: v for k, v in counts.items() if k != "dashboard"} == {
            "staff": 0, "complaints": 0, "flow": 0, "kpi": 0, "eod": 0}
        assert not screen.query(KpiPanel) and not screen.query(StaffPanel)
        # a change marker: the tabs never shown have nothing to reload (and nothing breaks)
        screen.on_data_changed()
        await settle(pilot)
        assert _composed(screen)["kpi"] == 0
        await pilot.press("f6")
        await settle(pilot)
        kpi = screen.query_one(KpiPanel)
        assert kpi.loaded and kpi.shown_count == 1      # composed, then loaded once
        assert screen.focused is not None and kpi in screen.focused.ancestors_with_self
        assert _composed(screen)["kpi"] > 0 and _composed(screen)["staff"] == 0
        await pilot.press("f3")
        await settle(pilot)
        staff = screen.query_one(StaffPanel)
        assert staff.loaded and staff.shown_count == 1
        await pilot.press("f6")                          # kept: the same panel, not made again
        await settle(pilot)
        assert screen.query_one(KpiPanel) is kpi


async def test_cm_sign_in_composes_today_only(desk: Desk) -> None:
    sample(desk)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "C01")
        assert isinstance(screen, CMScreen)
        await settle(pilot)
        counts = _composed(screen)
        assert counts["today"] > 0
        assert {k: v for k, v in counts.items() if k != "today"} == {
            "week": 0, "portfolio": 0, "targets": 0, "changes": 0, "procedures": 0}
        screen.on_data_changed()      # reloads the status line and today, nothing else
        await settle(pilot)
        assert _composed(screen)["portfolio"] == 0
        await pilot.press("f4")
        await settle(pilot)
        panel = screen.query_one(PortfolioPanel)
        assert panel.loaded and panel.table.row_count == 3
        assert app.focused is panel.table
        await pilot.press("f7")
        await settle(pilot)
        today = screen.query_one(TodayList)
        assert today.loaded and app.focused is today.table
