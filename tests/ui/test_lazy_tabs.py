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


def _count_underline_moves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every value the tabs' underline takes for its start (one per frame it is drawn
    at while it moves)."""
    from textual.widgets._tabs import Underline

    assert not hasattr(Underline, "watch_highlight_start")  # none of Textual's to keep
    moves = [0]

    def counted(_self: Any) -> None:
        moves[0] += 1

    monkeypatch.setattr(Underline, "watch_highlight_start", counted, raising=False)
    return moves


async def _switch_moves(pilot: Any, moves: list[int], key: str) -> int:
    """Underline positions drawn by one tab switch, its animation (0.3 s) let run out."""
    moves[0] = 0
    await pilot.press(key)
    await settle(pilot)
    await pilot.pause(0.5)
    return moves[0]


async def test_a_tab_switch_moves_the_underline_in_one_step(
        desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: the underline under the role screens' tabs jumps to the new tab; Textual slid
    it over 0.3 s, ~20 frames of the event loop per switch (each a partial redraw) while the
    new panel loaded. Where it ends is where it ended."""
    sample(desk)
    moves = _count_underline_moves(monkeypatch)
    app = make_app(desk.services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.animation_level = "full"  # as a terminal runs it (Textual's default)
        screen = await sign_in(pilot, "C01")
        assert isinstance(screen, CMScreen)
        await settle(pilot)
        for key, tab in (("f4", "--content-tab-portfolio"), ("f2", "--content-tab-today"),
                         ("f4", "--content-tab-portfolio")):  # first opening and coming back
            assert await _switch_moves(pilot, moves, key) <= 1
            underline = screen.query_one("Underline")
            active = screen.query_one(f"#{tab}")
            start, end = active.virtual_region.shrink(active.styles.gutter).column_span
            assert (underline.highlight_start, underline.highlight_end) == (start, end)


async def test_the_heads_tab_switch_moves_the_underline_in_one_step(
        services: Any, center: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    moves = _count_underline_moves(monkeypatch)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.animation_level = "full"
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        await settle(pilot)
        assert await _switch_moves(pilot, moves, "f5") <= 1   # flow: reads almost nothing
        assert await _switch_moves(pilot, moves, "f2") <= 1


async def test_a_head_tab_switch_rebuilds_the_footer_once(
        services: Any, center: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: switching the head's tab moved the focus in two steps (cleared as the old
    pane hid, set in the new one after the layout) and the footer was rebuilt for each, every
    key a new widget; it is told once, of where the focus lands. The footer drawn is the same."""
    from textual.widgets import Footer

    from wealthtui.ui.bindings import footer_keys

    rebuilt = [0]
    recompose = Footer.recompose

    async def counted(footer: Footer) -> None:
        rebuilt[0] += 1
        await recompose(footer)

    monkeypatch.setattr(Footer, "recompose", counted)
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        assert isinstance(screen, HeadScreen)
        await settle(pilot)
        keys = ("f3", "f4", "f5", "f6", "f2")
        for key in (*keys, *keys):  # each pane made at its first showing, then shown again
            rebuilt[0] = 0
            await pilot.press(key)
            await settle(pilot)
            await pilot.pause(0.2)
            assert rebuilt[0] <= 1, key
            # what the footer shows is the keys of where the focus is
            panel = screen.panel()
            assert panel is not None and screen.focused is not None
            assert panel in screen.focused.ancestors_with_self
            drawn = [k.description for k in screen.query_one(Footer).query("FooterKey")]
            told = footer_keys(screen.active_bindings, app.COMMAND_PALETTE_BINDING)
            assert drawn == [entry[3] for entry in told], key
