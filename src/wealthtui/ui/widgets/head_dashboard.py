"""The head's live dashboard: queue per category, counters, alerts, premium clients in the lobby,
and the head's charts (ui/widgets/head_charts.py: arrivals per hour against the same weekday,
waits by hour and lane, the month's trend), drawn with textual-plotext.

`DashboardPanel` loads `services.dashboard.snapshot` through the one call path (a live panel:
again each time its tab is shown, on change markers and on the screen's 30 s tick, never two
loads at once). Its keys: F10 the next chart, F11 the chart's numbers as a table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wealthtui.i18n import t, tl
from wealthtui.reports.render import mmss
from wealthtui.services.dashboard import DashboardView, OverdueChecklist
from wealthtui.ui.labels import listing
from wealthtui.ui.text import Paragraph, PlainTable
from wealthtui.ui.widgets.head_charts import (
    KINDS,
    HeadChart,
    arrivals_chart,
    trend_chart,
    waits_chart,
)
from wealthtui.ui.widgets.head_panel import HeadPanel, loading_text


class DashboardPanel(HeadPanel):
    KEY = "dashboard"
    LIVE = True
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f10", "next_chart", "head.chart.bind_next", id="head.next_chart"),
        Binding("f11", "chart_numbers", "head.chart.bind_numbers", id="head.chart_numbers"),
    ]
    FOOTER_ORDER = ("head.next_chart", "head.chart_numbers")

    DEFAULT_CSS = """
    DashboardPanel {
        height: 1fr;
    }
    DashboardPanel > Horizontal {
        height: 1fr;
    }
    DashboardPanel .dash-col {
        width: 3fr;
        height: 1fr;
    }
    DashboardPanel .dash-col.-chart {
        width: 2fr;
    }
    DashboardPanel #dash-queue {
        height: auto;
        max-height: 7;
    }
    DashboardPanel #dash-alert-box {
        height: auto;
        margin: 1 0;
    }
    DashboardPanel #dash-alerts {
        height: auto;
        padding: 0 1;
    }
    DashboardPanel #dash-overdue {
        height: auto;
        padding: 0 1 0 3;
        color: $text-muted;
    }
    DashboardPanel #dash-premium {
        height: 1fr;
        min-height: 3;
    }
    DashboardPanel:focus-within .dash-title {
        text-style: bold reverse;
    }
    DashboardPanel #dash-loading {
        height: auto;
        padding: 0 1;
    }
    DashboardPanel .dash-title {
        text-style: bold;
        color: $accent;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.view: DashboardView | None = None
        self.chart = "arrivals"

    def compose(self) -> ComposeResult:
        yield Static(loading_text(), id="dash-loading")
        with Horizontal():
            with Vertical(classes="dash-col"):
                queue: DataTable[Text | str] = PlainTable(id="dash-queue", cursor_type="none")
                for key in ("category", "waiting", "longest"):
                    queue.add_column(t(f"head.dash.col.{key}"), key=key)
                yield queue
                with Vertical(id="dash-alert-box"):
                    yield Static("", id="dash-alerts")
                    # the overdue routines, each named once, broken by the one rule and
                    # indented under their count (issue 19)
                    yield Paragraph("", id="dash-overdue")
                yield Static(t("head.dash.premium_title"), classes="dash-title")
                premium: DataTable[Text | str] = PlainTable(id="dash-premium", cursor_type="row")
                for key in ("client", "cm", "status", "time"):
                    premium.add_column(t(f"head.dash.col.{key}"), key=key)
                yield premium
            with Vertical(classes="dash-col -chart"):
                yield Static(t("head.chart.title_arrivals"), classes="dash-title",
                             id="chart-title")
                yield HeadChart(id="dash-chart")

    def show_loading(self, on: bool) -> None:
        self.query_one("#dash-loading").display = on

    def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.services.dashboard.snapshot, ()

    # --- charts ----------------------------------------------------------------------------
    def action_next_chart(self) -> None:
        self.chart = KINDS[(KINDS.index(self.chart) + 1) % len(KINDS)]
        self.load_chart()

    def action_chart_numbers(self) -> None:
        self.query_one(HeadChart).toggle_numbers()

    def load_chart(self) -> None:
        """Show the chosen chart: arrivals come with the snapshot, the others are read."""
        self.query_one("#chart-title", Static).update(t(f"head.chart.title_{self.chart}"))
        chart = self.query_one(HeadChart)
        if self.chart == "arrivals":
            if self.view is not None:
                chart.show(arrivals_chart(self.view))
            return
        if self.chart == "waits":
            settings = self.settings
            self.call(self.services.reports.waits_by_hour, None, key="chart",
                      then=lambda rows: self._chart_read("waits", waits_chart(settings, rows)))
            return
        month = self.clock.now().astimezone(self.services.ctx.tz).strftime("%Y-%m")
        self.call(self.services.reports.trend, month, key="chart",
                  then=lambda days: self._chart_read("trend", trend_chart(month, days)))

    def _chart_read(self, kind: str, data: Any) -> None:
        if kind == self.chart:
            self.query_one(HeadChart).show(data)

    # --- figures ---------------------------------------------------------------------------
    def show(self, view: DashboardView) -> None:
        self.view = view
        theme = self.app.current_theme
        warn = theme.warning or "yellow"
        err = theme.error or "red"
        queue = self.query_one("#dash-queue", DataTable)
        queue.clear()
        for c in view.categories:
            longest = mmss(int(c.longest_wait_seconds)) if c.waiting else "—"
            queue.add_row(f"{c.prefix} {tl(c.name, c.name_en)}", Text(str(c.waiting), justify="right"),
                          Text(longest, justify="right"), key=c.code)
        lines = Text()
        lines.append(t("head.dash.counters", open=view.counters_open, total=len(view.counters),
                       serving=view.counters_serving, waiting=view.waiting_total) + "\n")

        def alert(key: str, count: int, style: str, **params: object) -> None:
            lines.append(t(key, count=count, **params) + "\n",
                         Style.parse(f"bold {style}") if count else Style(dim=True))

        alert("head.dash.handoffs_overdue", view.handoffs_overdue, warn)
        alert("head.dash.authz_pending", view.authorisations_pending, warn)
        alert("head.dash.complaints_past", view.complaints_past, err)
        alert("head.dash.complaints_near", view.complaints_near, warn)
        alert("head.dash.checklists_overdue", len(view.checklists_overdue), warn)
        lines.rstrip()
        self.query_one("#dash-alerts", Static).update(lines)
        overdue = self.query_one("#dash-overdue", Paragraph)
        overdue.update(overdue_names(view.checklists_overdue))
        overdue.display = bool(view.checklists_overdue)
        premium = self.query_one("#dash-premium", DataTable)
        premium.clear()
        for p in view.premium_in_lobby:
            status = Text(t(f"head.dash.premium_{p.status}"),
                          style=f"bold {warn}" if p.late else "")
            premium.add_row(Text(p.client_name or t("common.unknown")), Text(p.cm_name or "—"),
                            status,
                            Text(mmss(int(p.waited_s)), justify="right"), key=str(p.handoff_id))
        self.load_chart()


def overdue_names(checklists: Iterable[OverdueChecklist]) -> str:
    """The overdue routines, each named once in the order first seen, with a count where one
    is overdue more than once ("晨会 ×3"), listed as the screen's language lists them."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for c in checklists:
        counts[c.procedure_id] += 1
        names.setdefault(c.procedure_id, tl(c.title, c.title_en))
    return listing(names[p] if counts[p] == 1 else t("head.dash.overdue_times", name=names[p],
                                                     count=counts[p]) for p in names)
