"""The head's screen on the one call path and the key model (issues 19, 20, 22), on the
hand-built center of tests/reports/seed.py (clock: Monday 2026-11-30 09:30):

- a walk through every tab and every panel key sends no statement from the event loop;
- with 20 ms added to every statement the KPI tab shows "加载中…" at once, then the scorecard;
  a tab switch during a load drops the stale answer (the tab loads again when shown);
- F2–F7 only switch tabs; the panel's keys follow the focus; no key is bound twice for any
  focus position; F8 关账 is not offered once the shown day is closed;
- the charts' numbers are the report functions' numbers (one truth per figure), and F11 shows
  them as a table.
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections import Counter
from pathlib import Path
from traceback import extract_stack
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session
from textual.widgets import DataTable

from tests.demo_fixture import shared_root
from tests.reports.seed import Seed, build
from tests.staffed import Staffing
from tests.ui.helpers import TEST_PIN, make_app, screen_text, settle, sign_in, type_into
from tests.ui.loop_watch import LoopWatch, SlowStore
from wealthtui.i18n import t
from wealthtui.services import Actor, Services
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.screens.head import HeadScreen
from wealthtui.ui.widgets.head_charts import (
    HeadChart,
    arrivals_chart,
    trend_chart,
    waits_chart,
)
from wealthtui.ui.widgets.head_dashboard import DashboardPanel
from wealthtui.ui.widgets.head_reports import EodPanel, KpiPanel


class HeadLoopWatch(LoopWatch):
    """LoopWatch that leaves out the hand-off inbox's own reload (ui/widgets/inbox.py, moved onto
    the call path in its own piece of work): what is measured here is the head's panels."""

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if any(frame.filename.endswith("widgets/inbox.py") for frame in extract_stack()):
            return
        super()._seen(conn, cursor, statement, *args)


class Gate:
    """Holds every statement sent from a worker thread until `open()` (the event loop's own
    statements pass, or the loop would wait on itself): a load is "still running" for as long
    as the test wants, without timings."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.opened = engine, threading.Event()
        event.listen(engine, "before_cursor_execute", self._wait)

    def _wait(self, *_args: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.opened.wait(30)

    def open(self) -> None:
        """Let the held statements go (the hook stays until the engine goes: removing it while
        workers run statements would change the listeners under their feet)."""
        self.opened.set()


@pytest.fixture
def center(services: Services, head: Actor, staffing: Staffing) -> Seed:
    """The reports' seed after the head: built once per run and copied (tests/staffed.py)."""
    def seed(on: Services, _head: Actor | None) -> Seed:
        with Session(on.ctx.engine) as session:
            return build(session)

    return staffing.step(services, ("reports-seed",), seed)


def _ids(screen: Any) -> set[str]:
    return {b.binding.id for b in screen.active_bindings.values() if b.binding.id}


async def _key(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


#: (tab key, panel keys that open a modal to close with Escape, keys acting in place)
WALK = [
    ("f2", [], ["f10", "f10", "f11", "f10", "f11"]),
    ("f3", ["f8", "ctrl+r", "ctrl+k", "ctrl+d", "ctrl+e", "ctrl+b", "ctrl+n"], ["ctrl+u"]),
    ("f4", ["enter"], []),
    ("f5", ["f8"], []),
    ("f6", ["f8", "ctrl+e"], []),
    ("f7", ["ctrl+g", "f8"], []),
]


async def test_no_statement_runs_on_the_event_loop_in_any_tab_or_panel_key(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    watch = HeadLoopWatch(services.ctx.engine)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await sign_in(pilot, "H001")
            assert isinstance(screen, HeadScreen)
            with watch.watching():
                for tab, modal, in_place in WALK:
                    await _key(pilot, tab)
                    for key in in_place:
                        await _key(pilot, key)
                    for key in modal:
                        await _key(pilot, key)
                        assert app.screen is not screen, f"{tab} {key} opened nothing"
                        await _key(pilot, "escape")
                        if app.screen is not screen:  # a confirmation under a form
                            await _key(pilot, "escape")
                        assert app.screen is screen, f"{tab} {key}: {type(app.screen)}"
                for key in ("ctrl+t", "ctrl+j"):  # Ctrl+Y: the routines (widgets/today.py, not ours)
                    await _key(pilot, key)
                    assert app.screen is not screen
                    await _key(pilot, "escape")
                    assert app.screen is screen
            assert watch.on_loop == [], watch.on_loop[:3]
            assert watch.elsewhere > 0
    finally:
        watch.close()


@pytest.mark.raw_pilot
async def test_the_kpi_tab_shows_the_loading_line_at_once_then_the_scorecard(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        assert not screen.query(KpiPanel)   # composed when its tab is first shown
        slow, gate = SlowStore(services.ctx.engine, 0.02), Gate(services.ctx.engine)
        try:
            await pilot.press("f6")
            await pilot.pause()
            kpi = screen.query_one(KpiPanel)
            assert screen.tab == "kpi"
            assert kpi.busy and kpi.shown_count == 0
            assert t("head.panel.loading") in screen_text(app)
            assert screen.focused is kpi   # its keys are the active ones at once
            assert "head.pick_month" in _ids(screen)
            gate.open()
            await settle(pilot)
        finally:
            gate.open()
            slow.close()
        assert not kpi.busy and kpi.shown_count == 1
        text = screen_text(app)
        assert "考核指标 2026-11" in text and t("head.panel.loading") not in text


@pytest.mark.raw_pilot
async def test_a_tab_switch_during_a_load_drops_the_stale_answer(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        slow, gate = SlowStore(services.ctx.engine, 0.02), Gate(services.ctx.engine)
        try:
            await pilot.press("f6")          # the KPI load starts …
            await pilot.press("f7")          # … and the head moves on before it answers
            kpi, eod = screen.query_one(KpiPanel), screen.query_one(EodPanel)
            assert kpi.busy and eod.busy
            gate.open()
            await settle(pilot)
        finally:
            gate.open()
            slow.close()
        assert screen.tab == "eod"
        assert kpi.shown_count == 0 and kpi.stale   # its answer came to a hidden tab: dropped
        assert eod.shown_count == 1
        assert "日终汇总 2026-11-30" in screen_text(app)
        await pilot.press("f6")
        await settle(pilot)
        assert kpi.shown_count == 1 and not kpi.stale
        assert "考核指标 2026-11" in screen_text(app)


@pytest.mark.raw_pilot
async def test_change_markers_during_a_load_coalesce_into_one_more_load(
        services: Services, center: Seed, settings: Any) -> None:
    from tests.ui.helpers import quiet_settings

    app = make_app(services, quiet_settings(settings, refresh_seconds=3600))  # no polls here
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        dash = screen.query_one(DashboardPanel)
        before = dash.shown_count
        gate = Gate(services.ctx.engine)
        try:
            for _ in range(5):          # five change markers while the first reload runs
                screen.on_data_changed()
                await pilot.pause()
            assert dash.busy and dash.dirty and dash.shown_count == before
            gate.open()
            await settle(pilot)
        finally:
            gate.open()
        assert dash.shown_count == before + 2   # the running load, then exactly one more
        assert not dash.busy and not dash.dirty


def _duplicates(screen: Any) -> list[str]:
    """Keys bound twice among the focus chain, the screen and the app (Textual's own
    editing/navigation keys of the focused DataTable excepted)."""
    nodes = [*(screen.focused.ancestors_with_self if screen.focused else [screen]), screen.app]
    seen: Counter[str] = Counter()
    for node in dict.fromkeys(nodes):
        if type(node).__module__.startswith("textual."):
            continue
        keys = {key for key, bindings in node._bindings.key_to_bindings.items()
                if any(b.id for b in bindings)}
        for key, bindings in node._bindings.key_to_bindings.items():
            if len([b for b in bindings if b.id]) > 1:
                seen[key] += 1
        seen.update(keys)
    return [key for key, n in seen.items() if n > 1]


async def test_tab_keys_only_switch_tabs_and_each_panel_owns_its_keys(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        expected = {
            "f2": ("dashboard", {"head.next_chart", "head.chart_numbers"}),
            "f3": ("staff", {"head.add_staff", "head.roles", "head.reset_pin", "head.unlock",
                             "head.deactivate", "head.assign_cm", "head.reassign_book",
                             "head.roster"}),
            "f4": ("complaints", set()),
            "f5": ("flow", {"head.pick_flow_day"}),
            "f6": ("kpi", {"head.pick_month", "head.enter_figure"}),
            "f7": ("eod", {"head.close_day", "head.pick_eod", "head.export_eod"}),
        }
        panel_ids = set().union(*(ids for _tab, ids in expected.values()))
        for key, (tab, ids) in expected.items():
            await _key(pilot, key)
            assert screen.tab == tab
            active = _ids(screen)
            assert ids <= active, (tab, ids - active)
            assert not (panel_ids - ids) & active, (tab, (panel_ids - ids) & active)
            assert {f"head.tab_{x}" for x in ("dashboard", "staff", "complaints", "flow", "kpi",
                                              "eod")} <= active
            # every focus position in the tab: no key bound twice
            start = screen.focused
            for _ in range(8):
                assert _duplicates(screen) == [], (tab, screen.focused, _duplicates(screen))
                await _key(pilot, "tab")
                if screen.focused is start:
                    break


async def test_close_day_is_not_offered_once_the_day_is_closed(
        services: Services, center: Seed) -> None:
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await sign_in(pilot, "H001")
        await _key(pilot, "f7")
        await _key(pilot, "ctrl+g")
        await type_into(pilot, "#f-when", "2026-11-29")
        await _key(pilot, "f2")
        assert "head.close_day" in _ids(screen)
        await _key(pilot, "f8")
        dialog = app.screen
        assert isinstance(dialog, CloseDayDialog)
        for i, problem in enumerate(dialog.problems):
            if problem.explainable:
                dialog.query_one(f"#explain-{i}").value = "周日不营业"
        await _key(pilot, "f2")
        assert app.screen is screen
        assert "已关账（H001 王主任）" in screen_text(app)
        assert "head.close_day" not in _ids(screen)   # nor in the footer, nor in F1
        await _key(pilot, "f8")
        assert app.screen is screen
        await _key(pilot, "ctrl+g")                   # a month: nothing to close either
        await type_into(pilot, "#f-when", "2026-11")
        await _key(pilot, "f2")
        assert "head.close_day" not in _ids(screen)


# --- the charts: the report functions' numbers -------------------------------------------------
async def test_the_charts_show_the_report_functions_numbers_and_a_table_of_them(
        services: Services, center: Seed) -> None:
    head = services.auth.login("H001", TEST_PIN)
    view = services.dashboard.snapshot(head)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await sign_in(pilot, "H001")
        chart = screen.query_one(HeadChart)
        assert chart.data == arrivals_chart(view)
        hours = [int(x) for x in chart.data.x]
        assert chart.data.series[0][1] == tuple(float(view.arrivals_today[h]) for h in hours)
        assert sum(chart.data.series[0][1]) == sum(view.arrivals_today)

        await _key(pilot, "f10")                     # waits by hour and lane
        rows = services.reports.waits_by_hour(head)
        assert chart.data == waits_chart(services.settings, rows)
        flows = {f.category: f for f in services.reports.flow_log(head).tickets}
        for code in {r.category for r in rows}:      # the flow log's waits, split by the hour
            mine = [r for r in rows if r.category == code]
            assert sum(r.called for r in mine) == flows[code].waits
            total = sum(r.avg_wait_s * r.called for r in mine)
            assert total == pytest.approx(flows[code].wait_total_s)

        await _key(pilot, "f10")                     # the month's trend
        days = services.reports.trend(head, "2026-11")
        month = services.reports.month(head, "2026-11")
        assert [d.date for d in days] == [r.date for r in month.days]
        assert [d.visits for d in days] == [r.visitors for r in month.days]
        assert [d.complaints for d in days] == [r.complaints for r in month.days]
        assert sum(d.conversions for d in days) == month.flow_log.referrals.converted
        assert chart.data == trend_chart("2026-11", days)

        await _key(pilot, "f11")                     # the numbers, as a table
        table = chart.query_one("#chart-numbers", DataTable)
        assert table.display and table.row_count == len(days)
        assert [str(c) for c in table.get_row_at(0)] == list(chart.data.rows()[0])
        await _key(pilot, "f10")                     # back to arrivals, still as numbers
        assert chart.data.kind == "arrivals" and table.row_count == len(chart.data.x)
        await _key(pilot, "f11")
        assert not table.display


@pytest.mark.parametrize("labels, width", [
    (tuple(f"{h:02d}" for h in range(8, 18)), 34), (tuple(f"{h:02d}" for h in range(7, 21)), 34),
    (tuple(f"11-{d:02d}" for d in range(1, 31)), 34), (tuple(f"11-{d:02d}" for d in range(1, 31)), 70),
    (("08",), 0)])
def test_every_written_tick_label_has_room_so_plotext_drops_none(labels, width) -> None:
    """Which labels plotext drops when they crowd depends on rounding (the 80x24 snapshot of the
    dashboard changed between runs); the chart writes only every n-th label, with room for each."""
    from wealthtui.ui.widgets.head_charts import tick_step

    step = tick_step(labels, width)
    assert labels[::step][0] == labels[0]
    cells_per_point = max(12, (width or 40) - 6) / len(labels)
    assert step * cells_per_point >= len(labels[0]) + 3         # room between written labels
    assert step == 1 or (step - 1) * cells_per_point < len(labels[0]) + 3  # and no fewer than fit


# --- snapshots of every tab ---------------------------------------------------------------------
TABS = ["f2", "f3", "f4", "f5", "f6", "f7"]
#: (size, language) → tab key → the screenshot: one app per size and language signs in and shows
#: each tab in turn (F2–F7 only switch tabs, so each tab shows as it does straight after the
#: sign-in), instead of one app per tab; each test compares its own tab's screenshot. The first
#: pytest worker to need a size and language walks it (under a lock in the run's shared temp
#: folder, as tests/staffed.py builds its templates), the others read its screenshots.
_TAB_SHOTS: dict[tuple[tuple[int, int], str], dict[str, str]] = {}


@pytest.mark.parametrize("language", ["zh_CN", "en"])
async def test_every_table_of_the_tabs_fits_80_columns(services: Services, head: Actor,
                                                        center: Seed, settings: Any,
                                                        language: str) -> None:
    """Issue 19 (stop 20): at 80 columns the staff-figure tables (KPI tellers, lobby, CMs; the
    tellers' balances) scrolled sideways and the complaint queue's channel was 2 cells wide.
    Each table of each tab fits its width: the fill column gives up cells, secondary columns are
    left out (a column kept is at least as wide as its title)."""
    from tests.ui.helpers import quiet_settings

    services.complaints.intake(  # a complainant with a name and a mobile, as at a real desk
        head, channel="on_site", category="waiting",
        subcategory="queue", description="排队太久", name="欧阳娜娜", phone="13711112222")
    app = make_app(services, quiet_settings(settings, language=language))
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "H001")
        seen: dict[str, list[str]] = {}
        for key in ("f4", "f5", "f6", "f7"):
            await _key(pilot, key)
            await settle(pilot)  # a rebuild of the report's tables runs as a worker
            pane = app.screen.query_one("TabbedContent").active_pane
            assert pane is not None
            tables = [x for x in pane.query(DataTable) if x.display and x.row_count]
            seen[key] = [x.id or "" for x in tables]
            for table in tables:
                room = table.scrollable_content_region.width
                assert table.virtual_size.width <= room, (key, table.id, table.virtual_size)
                for column in table.ordered_columns:
                    assert column.get_render_width(table) >= 2 + min(
                        column.content_width, column.label.cell_len), (key, table.id, column.key)
                if key == "f4":
                    continue
                # one scroll container per report panel: a section's table never scrolls
                # itself (its scrollbar drew inside the column's), and a title sits over its
                # figures: right-aligned over right-aligned cells (issue 19, stop 20)
                assert table.max_scroll_y == 0 and not table.show_vertical_scrollbar, table.id
                for index, column in enumerate(table.ordered_columns):
                    first = table.get_cell_at((0, index))
                    right = getattr(first, "justify", None) == "right"
                    assert (column.label.justify == "right") == right, (table.id, column.key)
            if key == "f7":  # the column follows the cursor down the longest table
                longest = max(tables, key=lambda x: x.row_count)
                longest.focus()
                longest.move_cursor(row=longest.row_count - 1)
                await settle(pilot)
                column = longest.parent
                assert column is not None and column.max_scroll_y > 0, "nothing to scroll"
                assert longest.cursor_row == longest.row_count - 1
                row = longest.region.y + longest.header_height + longest.cursor_row
                assert column.content_region.y <= row < column.content_region.bottom, (
                    row, column.content_region)
    assert {"section-kpi_teller", "section-tellers", "cq-table"} <= {
        x for ids in seen.values() for x in ids}, seen


def test_each_overdue_routine_is_named_once_with_its_count() -> None:
    """Issue 19 (stop 20): the dashboard listed "Morning meeting" three times for three runs."""
    from wealthtui.i18n import language, set_language
    from wealthtui.services.dashboard import OverdueChecklist
    from wealthtui.ui.widgets.head_dashboard import overdue_names

    runs = [OverdueChecklist("morning", "晨会", "Morning meeting", "08:30"),
            OverdueChecklist("sign_on", "网点签到", "Outlet sign-on", "08:45"),
            OverdueChecklist("morning", "晨会", "Morning meeting", "2026-11-27"),
            OverdueChecklist("morning", "晨会", "Morning meeting", "2026-11-26")]
    before = language()
    try:
        set_language("en")
        assert overdue_names(runs) == "Morning meeting ×3, Outlet sign-on"
        set_language("zh_CN")
        assert overdue_names(runs) == "晨会 ×3、网点签到"
        assert overdue_names(runs[1:2]) == "网点签到"
    finally:
        set_language(before)


def _shared_tab_shots(base: Path, app: Any, size: tuple[int, int],
                      language: str) -> dict[str, str]:
    folder = shared_root(base) / "head-tab-shots"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{size[0]}x{size[1]}-{language}"
    kept = folder / f"{name}.json"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait while the first walks
        if kept.exists():
            return json.loads(kept.read_text("utf-8"))  # type: ignore[no-any-return]
        shots = _tab_shots(app, size)
        kept.write_text(json.dumps(shots), "utf-8")
    return shots


def _tab_shots(app: Any, size: tuple[int, int]) -> dict[str, str]:
    from textual._doc import take_svg_screenshot

    shots: dict[str, str] = {}

    async def walk(pilot: Any) -> None:
        await pilot.press(*"H001", "enter", *TEST_PIN, "enter")
        await settle(pilot)
        for tab in TABS:
            await pilot.press(tab)
            await settle(pilot)
            # the waits take_svg_screenshot makes before its screenshot (textual._doc)
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            # the same picture twice in a row: a report tab's tables are measured as their
            # rows come in, and the column's layout can take another frame to settle (seen:
            # the KPI tab at 80×24 drawn once with its indicators table a line taller)
            shot = app.export_screenshot(title=app.title, simplify=True)
            for _ in range(20):
                await pilot.pause(0.05)
                again = app.export_screenshot(title=app.title, simplify=True)
                if again == shot:
                    break
                shot = again
            shots[tab] = shot

    take_svg_screenshot(app=app, terminal_size=size, run_before=walk)
    return shots


@pytest.mark.parametrize("language", ["zh_CN", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("tab", TABS)
def test_head_tab_snapshot(snap_compare: Any, monkeypatch: pytest.MonkeyPatch,
                           tmp_path_factory: pytest.TempPathFactory, services: Services,
                           center: Seed, settings: Any, tab: str, size: tuple[int, int],
                           language: str) -> None:
    import textual._doc

    from tests.ui.helpers import quiet_settings

    app = make_app(services, quiet_settings(settings, language=language))
    if (size, language) not in _TAB_SHOTS:
        _TAB_SHOTS[size, language] = _shared_tab_shots(tmp_path_factory.getbasetemp(), app,
                                                       size, language)
        app = make_app(services, quiet_settings(settings, language=language))
    # snap_compare compares (and reports in snapshot_report.html) the screenshot taken above
    shot = _TAB_SHOTS[size, language][tab]
    monkeypatch.setattr(textual._doc, "take_svg_screenshot", lambda **_kw: shot)
    assert snap_compare(app, terminal_size=size)
