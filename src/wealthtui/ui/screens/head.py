"""The center head's screen (理财中心负责人): live dashboard, staff and allocation, complaints, the
daily flow log, the KPI scorecard, and the end of day with the close of the business day.

Manual ch.2 §2.1 (the head's duties: staffing, allocation of clients and resources, complaints,
internal control), §2.7 item 8 (the daily flow record), ch.7 via manual digest §7 (KPIs),
digest §6.1 (the head's day).

Keys (issue 19's key model): F2–F7 open the tabs and do nothing else. Each tab holds one panel
that owns its keys, active while the focus is in it (the footer and F1 follow):
- dashboard (ui/widgets/head_dashboard.py): F10 next chart, F11 the chart's numbers;
- staff (ui/widgets/head_staff.py): F8 add staff, Ctrl+R roles, Ctrl+K reset PIN, Ctrl+U
  unlock, Ctrl+D deactivate, Ctrl+E assign a client's CM, Ctrl+B hand a book over, Ctrl+N roster;
- complaints (ui/widgets/complaint_queue.py): Enter opens a complaint;
- flow, KPI, end of day (ui/widgets/head_reports.py): F8 pick the day / the month / close the
  day (offered only while the shown day is open), Ctrl+E enter a figure / export, Ctrl+G pick a
  day or a month.
On the whole screen: Ctrl+T the target lists, Ctrl+F the compliance view (issue 17), Ctrl+Y the
head's routines, Ctrl+J my complaints.

Every tab loads through the one call path (ui/calls.py) with a visible "加载中…" line; change
markers and the 30 s tick reload the shown panel (coalesced: never two loads of a panel at
once), the others when they are shown next.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import TabbedContent

from wealthtui.i18n import t
from wealthtui.services.day import DayState
from wealthtui.ui.dialogs.close_day import CloseDayDialog
from wealthtui.ui.dialogs.targets import TargetsDialog
from wealthtui.ui.screens.base import RoleScreen
from wealthtui.ui.screens.complaint_detail import ComplaintDetailScreen
from wealthtui.ui.screens.compliance_view import ComplianceScreen
from wealthtui.ui.widgets.complaint_queue import ComplaintQueue
from wealthtui.ui.widgets.head_dashboard import DashboardPanel
from wealthtui.ui.widgets.head_panel import HeadPanel
from wealthtui.ui.widgets.head_reports import EodPanel, FlowPanel, KpiPanel
from wealthtui.ui.widgets.head_staff import StaffPanel
from wealthtui.ui.widgets.lazy_tabs import (
    LazyPane,
    LazyTabbedContent,
    composed_panel,
    pane_ready,
)

TABS = ("dashboard", "staff", "complaints", "flow", "kpi", "eod")
TAB_KEYS = dict(zip(TABS, ("F2", "F3", "F4", "F5", "F6", "F7"), strict=True))
#: the panel of each tab
PANELS = {"dashboard": "#dash", "staff": "#staff-panel", "complaints": "#complaint-queue",
          "flow": "#flow-panel", "kpi": "#kpi-panel", "eod": "#eod-panel"}
#: what each tab's pane holds, made when the tab is first shown
PANEL_FACTORIES = {
    "dashboard": lambda: [DashboardPanel(id="dash")],
    "staff": lambda: [StaffPanel(id="staff-panel")],
    "complaints": lambda: [ComplaintQueue(scope="all", id="complaint-queue")],
    "flow": lambda: [FlowPanel(id="flow-panel")],
    "kpi": lambda: [KpiPanel(id="kpi-panel")],
    "eod": lambda: [EodPanel(id="eod-panel")],
}


class HeadScreen(RoleScreen):
    MODE = "head"
    HELP_SECTIONS = (
        ("ch.2 §2.1", "head.help.duties"),
        ("ch.2 §5.1", "head.help.allocation"),
        ("ch.2 §2.7 item 8", "head.help.flow_log"),
        ("ch.7", "head.help.kpi"),
        ("ch.6 §6.1", "head.help.eod"),
        ("digest §4.2", "targets.help.head"),
    )

    DEFAULT_CSS = """
    HeadScreen TabbedContent {
        height: 1fr;
    }
    HeadScreen TabPane {
        padding: 0;
    }
    """

    BINDINGS = [
        *(Binding(key.lower(), f"show_tab('{tab}')", f"head.tab.{tab}", id=f"head.tab_{tab}",
                  show=False) for tab, key in TAB_KEYS.items()),
        Binding("ctrl+t", "targets", "targets.bind.open", id="head.targets"),
        Binding("ctrl+f", "compliance", "compliance_view.bind.open", id="head.compliance"),
    ]
    #: the screen's own keys in the order they matter (each panel has its FOOTER_ORDER first)
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ("head.targets", "shell.checklists",
                                               "shell.my_complaints", "head.compliance")

    # --- layout ----------------------------------------------------------------------------
    def __init__(self, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.complaints_stale = False   # a change came while another tab was shown

    def compose_body(self) -> ComposeResult:
        """The tabs; each pane's panel is made the first time its tab is shown (issue 22:
        sign-in mounts the dashboard only)."""
        with LazyTabbedContent(id="head-tabs", initial="dashboard"):
            for tab in TABS:
                yield LazyPane(self._tab_label(tab), PANEL_FACTORIES[tab], id=tab)

    def _tab_label(self, tab: str) -> str:
        return f"{TAB_KEYS[tab]} {t(f'head.tab.{tab}')}"

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(max(5.0, self.settings.ui.refresh_seconds), self._tick, name="head-tick")

    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "dashboard"

    def panel(self, tab: str | None = None) -> Widget | None:
        """The panel of `tab` (the shown one by default); None while its tab has never been
        shown (its pane is composed on first activation)."""
        return composed_panel(self, PANELS[tab or self.tab])

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        await pane_ready(event.pane)  # composed on its first activation
        tab = event.pane.id or "dashboard"
        panel = self.panel(tab)
        if panel is None:
            return
        if isinstance(panel, HeadPanel):
            panel.activated()
        elif isinstance(panel, ComplaintQueue) and self.complaints_stale:
            self.complaints_stale = False
            panel.reload()
        if self.focused is not None and panel not in self.focused.ancestors_with_self:
            self.focus_moving(True)  # the footer is told where the focus lands, not between
            self.set_focus(None)  # a focused widget in the hidden pane would refocus its sibling
        self.call_after_refresh(self._focus_panel, panel)

    def _focus_panel(self, panel: Widget) -> None:
        """The focus goes into the shown panel, so that its keys are the active ones (after
        the switch is laid out: focus in a hidden pane would switch the tab back)."""
        try:
            if not panel.is_attached or self.panel() is not panel:
                return
            target = panel if panel.focusable else next(
                (widget for widget in panel.query("*") if widget.focusable), None)
            if target is not None:
                self.set_focus(target)  # now (`focus()` waits a turn): the footer told once
        finally:
            self.focus_moving(False)

    def action_show_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        panel = self.panel(tab)
        if tabs.active == tab and panel is not None:
            self._focus_panel(panel)
        elif tabs.active != tab:
            # the focus leaves the pane about to hide at the next layout (Textual clears it)
            # and lands in the new one after it (`_focus_panel`, from the TabActivated handler)
            self.focus_moving(True)
        tabs.active = tab

    # --- loading ---------------------------------------------------------------------------
    def _tick(self) -> None:
        """Waits grow with time even when nobody writes: refresh the shown live panel."""
        panel = self.panel()
        if self.app.screen is self and isinstance(panel, HeadPanel) and panel.LIVE:
            panel.reload()

    def on_data_changed(self) -> None:
        """Reload the shown panel, mark the others stale; a tab never shown has nothing to
        reload (it reads fresh when first shown)."""
        for tab in TABS:
            panel = self.panel(tab)
            if isinstance(panel, HeadPanel):
                panel.invalidate()
        queue = self.panel("complaints")
        if queue is None:
            return
        if self.tab == "complaints":
            assert isinstance(queue, ComplaintQueue)
            queue.reload()
        else:
            self.complaints_stale = True

    # --- what the panels ask for -----------------------------------------------------------
    def on_complaint_queue_open(self, event: ComplaintQueue.Open) -> None:
        event.stop()
        queue = self.query_one(ComplaintQueue)

        def closed(changed: bool | None) -> None:
            queue.reload()
            if changed:
                self.changed()
        self.app.push_screen(ComplaintDetailScreen(event.complaint_id), closed)

    def on_eod_panel_close_day(self, event: EodPanel.CloseDay) -> None:
        event.stop()
        day = event.state.date
        eod = self.query_one(EodPanel)

        def closed(state: DayState | None) -> None:
            if state is not None:
                self.notify(t("head.eod.closed_now", date=day.isoformat()))
                eod.request()
                self.changed()
        self.app.push_screen(CloseDayDialog(event.state), closed)

    def action_compliance(self) -> None:
        """Ctrl+F: the compliance view — today's and the month's sales by product risk,
        refusals, sales without a valid assessment, dual recordings (issue 17)."""
        self.app.push_screen(ComplianceScreen())

    def action_targets(self) -> None:
        """Target lists: build from criteria, assign, see the progress (manual digest §4.2)."""
        self.app.push_screen(TargetsDialog(), lambda _: self.changed())


__all__ = ["HeadScreen"]
