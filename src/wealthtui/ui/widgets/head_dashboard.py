"""The head's live dashboard: queue per category, counters, alerts, premium clients in the lobby,
and a chart of arrivals per hour today against the same weekday's average.

`DashboardPanel.show(view)` fills it from a `services.dashboard.DashboardView`. The chart draws
bars with coloured blank cells (no block glyphs, whose width some CJK terminals double), measured
in cells."""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static

from wealthtui.i18n import t, tl
from wealthtui.reports.render import mmss
from wealthtui.services.dashboard import DashboardView
from wealthtui.ui.text import PlainTable

DEFAULT_HOURS = (8, 17)  # shown even before anyone arrives


def hour_range(today: tuple[int, ...], typical: tuple[float, ...]) -> tuple[int, int]:
    busy = [h for h in range(24) if today[h] or typical[h] >= 0.05]
    lo = min([DEFAULT_HOURS[0], *busy])
    hi = max([DEFAULT_HOURS[1], *busy])
    return lo, hi


class ArrivalsChart(Widget):
    """Bars per hour: today (accent) beside the same weekday's average (muted)."""

    DEFAULT_CSS = """
    ArrivalsChart {
        height: 1fr;
        min-height: 6;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.today: tuple[int, ...] = (0,) * 24
        self.typical: tuple[float, ...] = (0.0,) * 24
        self.history_days = 0
        self.weekday = 0
        self.now_hour: int | None = None

    def set_data(self, view: DashboardView, now_hour: int) -> None:
        self.today, self.typical = view.arrivals_today, view.arrivals_typical
        self.history_days = view.history_days
        self.weekday = view.business_date.weekday()
        self.now_hour = now_hour
        self.refresh()

    def render(self) -> Text:
        theme = self.app.current_theme
        today_style = Style(bgcolor=theme.accent or "cyan")
        typical_style = Style(bgcolor=theme.secondary or "grey50")
        muted = Style(dim=True)
        lo, hi = hour_range(self.today, self.typical)
        hours = list(range(lo, hi + 1))
        width = self.size.width
        top = max(max(self.today), max(self.typical), 1.0)
        axis = max(cell_len(str(round(top))), 2) + 1
        per_hour = 3 if axis + 3 * len(hours) <= width else 2
        height = max(2, self.size.height - 3)
        out = Text(no_wrap=True, overflow="crop")
        weekday = t(f"shell.weekday.{self.weekday}")
        out.append("  ", today_style)
        out.append(" " + t("head.dash.today") + "  ")
        out.append("  ", typical_style)
        label = (t("head.dash.typical", weekday=weekday, days=self.history_days)
                 if self.history_days else t("head.dash.no_history"))
        out.append(" " + label + "\n")
        for row in range(height):
            level = height - row  # 1 at the bottom
            tick = str(round(top)) if row == 0 else ("0" if row == height - 1 else "")
            out.append(tick.rjust(axis - 1) + " ", muted)
            for h in hours:
                today_rows = round(self.today[h] / top * height)
                typical_rows = round(self.typical[h] / top * height)
                out.append(" ", today_style if today_rows >= level else Style())
                out.append(" ", typical_style if typical_rows >= level else Style())
                if per_hour == 3:
                    out.append(" ")
            out.append("\n")
        out.append(" " * axis)
        for h in hours:
            mark = f"{h:02d}" if (per_hour == 3 or h % 2 == 0) else "  "
            style = Style(bold=True) if h == self.now_hour else muted
            out.append(mark.ljust(per_hour), style)
        out.append("\n" + " " * axis)
        out.append(t("head.dash.arrivals_total", today=sum(self.today),
                     typical=round(sum(self.typical))), muted)
        return out


class DashboardPanel(Vertical):
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
    DashboardPanel #dash-alerts {
        height: auto;
        padding: 0 1;
        margin: 1 0;
    }
    DashboardPanel #dash-premium {
        height: 1fr;
        min-height: 3;
    }
    DashboardPanel .dash-title {
        text-style: bold;
        color: $accent;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(classes="dash-col"):
                queue: DataTable[Text | str] = PlainTable(id="dash-queue", cursor_type="none")
                for key in ("category", "waiting", "longest"):
                    queue.add_column(t(f"head.dash.col.{key}"), key=key)
                yield queue
                yield Static("", id="dash-alerts")
                yield Static(t("head.dash.premium_title"), classes="dash-title")
                premium: DataTable[Text | str] = PlainTable(id="dash-premium", cursor_type="row")
                for key in ("client", "cm", "status", "time"):
                    premium.add_column(t(f"head.dash.col.{key}"), key=key)
                yield premium
            with Vertical(classes="dash-col -chart"):
                yield Static(t("head.dash.arrivals_title"), classes="dash-title")
                yield ArrivalsChart(id="dash-chart")

    def show(self, view: DashboardView, now_hour: int) -> None:
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
        if view.checklists_overdue:
            names = "、".join(tl(c.title, c.title_en) for c in view.checklists_overdue[:3])
            lines.append("  " + names + "\n", Style(dim=True))
        self.query_one("#dash-alerts", Static).update(lines)
        premium = self.query_one("#dash-premium", DataTable)
        premium.clear()
        for p in view.premium_in_lobby:
            status = Text(t(f"head.dash.premium_{p.status}"),
                          style=f"bold {warn}" if p.late else "")
            premium.add_row(p.client_name or t("common.unknown"), p.cm_name or "—", status,
                            Text(mmss(int(p.waited_s)), justify="right"), key=str(p.handoff_id))
        self.query_one(ArrivalsChart).set_data(view, now_hour)
