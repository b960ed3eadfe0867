"""The head's charts (issue 19), drawn with textual-plotext, with their numbers beside them:

- arrivals per hour today against the average of the same weekday (services.dashboard);
- waits by hour and lane today (services.reports.waits_by_hour);
- the month's trend of visits, conversions and complaints (services.reports.trend).

`ChartData` holds what a chart shows — x labels and named series — built by `arrivals_chart`,
`waits_chart` and `trend_chart` straight from the report functions' rows (one truth per figure).
`HeadChart` draws one: a legend line of our own (measured in cells: plotext counts characters,
so the CJK series names stay outside the plot), the plot with ASCII tick labels, and a table
of the same numbers, which `toggle_numbers()` shows instead of the plot (for screen readers and
copying). Its parent panel binds the keys (F10 next chart, F11 numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from wealthtui.config import Settings
from wealthtui.i18n import t, tl
from wealthtui.reports.charts import HourWait, TrendDay
from wealthtui.services.dashboard import DashboardView
from wealthtui.ui.text import Paragraph, PlainTable

KINDS = ("arrivals", "waits", "trend")
#: series colours, the same names in plotext and Rich
COLOURS = ("cyan", "magenta", "green", "red", "yellow", "blue")
DEFAULT_HOURS = (8, 17)  # shown even before anyone arrives


@dataclass(frozen=True)
class ChartData:
    kind: str
    x: tuple[str, ...]                                   # one label per point (ASCII)
    series: tuple[tuple[str, tuple[float, ...]], ...]    # (name, one value per point)
    note: str = ""                                       # a line under the legend

    def rows(self) -> list[tuple[str, ...]]:
        """The numbers as table rows: one per point, the x label then each series' value."""
        return [(x, *(number(values[i]) for _name, values in self.series))
                for i, x in enumerate(self.x)]


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def hour_range(today: Sequence[int], typical: Sequence[float]) -> tuple[int, int]:
    busy = [h for h in range(24) if today[h] or typical[h] >= 0.05]
    return min([DEFAULT_HOURS[0], *busy]), max([DEFAULT_HOURS[1], *busy])


def arrivals_chart(view: DashboardView) -> ChartData:
    lo, hi = hour_range(view.arrivals_today, view.arrivals_typical)
    hours = range(lo, hi + 1)
    weekday = t(f"shell.weekday.{view.business_date.weekday()}")
    typical = (t("head.dash.typical", weekday=weekday, days=view.history_days)
               if view.history_days else t("head.dash.no_history"))
    return ChartData(
        kind="arrivals", x=tuple(f"{h:02d}" for h in hours),
        series=((t("head.dash.today"), tuple(float(view.arrivals_today[h]) for h in hours)),
                (typical, tuple(round(view.arrivals_typical[h], 1) for h in hours))),
        note=t("head.dash.arrivals_total", today=sum(view.arrivals_today),
               typical=round(sum(view.arrivals_typical))))


def waits_chart(settings: Settings, rows: Sequence[HourWait]) -> ChartData:
    """Average wait in minutes per lane and hour of issue (0 where nobody was called)."""
    busy = sorted({r.hour for r in rows})
    lo, hi = min([DEFAULT_HOURS[0], *busy]), max([DEFAULT_HOURS[1], *busy])
    hours = list(range(lo, hi + 1))
    lanes: list[str] = []
    for r in rows:
        if r.category not in lanes:
            lanes.append(r.category)
    found = {(r.category, r.hour): r.avg_wait_s / 60 for r in rows}
    names = {c.code: f"{c.prefix} {tl(c.name, c.name_en)}" for c in settings.queue.categories}
    return ChartData(
        kind="waits", x=tuple(f"{h:02d}" for h in hours),
        series=tuple((names.get(code, code), tuple(round(found.get((code, h), 0.0), 1)
                                                    for h in hours)) for code in lanes),
        note=t("head.chart.waits_note", called=sum(r.called for r in rows)))


def trend_chart(month: str, days: Sequence[TrendDay]) -> ChartData:
    return ChartData(
        kind="trend", x=tuple(d.date.strftime("%m-%d") for d in days),
        series=((t("head.chart.visits"), tuple(float(d.visits) for d in days)),
                (t("head.chart.conversions"), tuple(float(d.conversions) for d in days)),
                (t("head.chart.complaints"), tuple(float(d.complaints) for d in days))),
        note=t("head.chart.trend_note", month=month, days=len(days)))


def tick_step(labels: Sequence[str], width: int) -> int:
    """Every how many points an x label is written, so that all written labels fit in `width`
    cells with room between them (plotext would otherwise drop some, and which ones depends on
    rounding). The y axis' numbers take about 6 cells."""
    if not labels:
        return 1
    room = max(12, (width or 40) - 6)
    each = max(len(label) for label in labels) + 3
    return max(1, -(-len(labels) * each // room))


def y_ticks(series: Sequence[tuple[str, Sequence[float]]]) -> list[int]:
    """The y axis' ticks: from 0 (visits, minutes and counts are never negative: with no data
    plotext would centre an empty chart on 0 and write -1.00) to at least the highest value,
    whole numbers, at most five."""
    top = max(1, math.ceil(max((v for _n, values in series for v in values), default=0)))
    step = -(-top // 4)
    return list(range(0, top + step, step))


class HeadChart(Vertical):
    """One chart: legend, plot (or the table of its numbers), note."""

    DEFAULT_CSS = """
    HeadChart {
        height: 1fr;
    }
    HeadChart > .chart-legend, HeadChart > .chart-note {
        height: auto;
        padding: 0 1;
    }
    HeadChart > .chart-note {
        color: $text-muted;
    }
    HeadChart > PlotextPlot {
        height: 1fr;
        min-height: 6;
    }
    HeadChart > DataTable {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.data: ChartData | None = None
        self.numbers = False

    def compose(self) -> ComposeResult:
        yield Static("", classes="chart-legend", id="chart-legend")
        yield PlotextPlot(id="chart-plot")
        table: DataTable[Any] = PlainTable(id="chart-numbers", cursor_type="row")
        table.display = False
        yield table
        yield Paragraph("", classes="chart-note", id="chart-note")

    def toggle_numbers(self) -> None:
        self.numbers = not self.numbers
        self._place()

    def _place(self) -> None:
        self.query_one(PlotextPlot).display = not self.numbers
        self.query_one("#chart-numbers", DataTable).display = self.numbers

    def show(self, data: ChartData) -> None:
        self.data = data
        legend = Text(no_wrap=False)
        for i, (name, _values) in enumerate(data.series):
            if i:
                legend.append("  ")
            legend.append("  ", style=f"on {COLOURS[i % len(COLOURS)]}")
            legend.append(" " + name)
        self.query_one("#chart-legend", Static).update(legend)
        self.query_one("#chart-note", Static).update(Text(data.note))
        self._draw(data)
        self._fill(data)
        self._place()

    def _draw(self, data: ChartData) -> None:
        widget = self.query_one(PlotextPlot)
        plt = widget.plt
        plt.clear_figure()
        points = list(range(len(data.x)))
        step = tick_step(data.x, widget.size.width)
        if data.kind == "arrivals":
            plt.multiple_bar(points, [list(v) for _n, v in data.series],
                             color=list(COLOURS[:len(data.series)]))
        else:
            for i, (_name, values) in enumerate(data.series):
                plt.plot(points, list(values), color=COLOURS[i % len(COLOURS)], marker="dot")
        plt.xticks(points[::step], list(data.x[::step]))
        ticks = y_ticks(data.series)
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [str(v) for v in ticks])
        plt.frame(False)
        widget.refresh()

    def on_resize(self) -> None:
        if self.data is not None:
            self._draw(self.data)

    def _fill(self, data: ChartData) -> None:
        table = self.query_one("#chart-numbers", DataTable)
        table.clear(columns=True)
        table.add_column(t(f"head.chart.x_{data.kind}"), key="x")
        for i, (name, _values) in enumerate(data.series):
            table.add_column(Text(name), key=f"s{i}")
        for row in data.rows():
            table.add_row(row[0], *(Text(v, justify="right") for v in row[1:]))
