"""The head's compliance view (issue 17): today's and the month's point-of-sale figures side by
side — sales by product risk level, refusals by reason, sales without a valid assessment (must
be 0), dual recordings (双录), anti-fraud stops when the figures carry them — and the day's sales
that needed a dual recording with their status.

The figures' rows are `reports.compliance.rows(as_dict(figures))`, the very rows `wealthtui eod`
writes (json/csv/xlsx): one truth per figure. Read through the one call path
(services.compliance.overview), never on the event loop; client names and recording ids are
plain text.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from wealthtui.i18n import t
from wealthtui.reports import compliance as report
from wealthtui.ui.text import PlainTable, fit
from wealthtui.ui.widgets.head_panel import HeadPanel


def figure_rows(overview: Any) -> list[tuple[str, str, str, str]]:
    """(key, label, today, month) for each row of the report's compliance section."""
    day = report.rows(report.as_dict(overview.day))
    month = {k: v for k, _label, v in report.rows(report.as_dict(overview.month))}
    return [(k, label, str(v), str(month.get(k, ""))) for k, label, v in day]


class CompliancePanel(HeadPanel):
    KEY = "compliance"
    LIVE = True
    FOOTER_ORDER: ClassVar[tuple[str, ...]] = ()

    DEFAULT_CSS = """
    CompliancePanel {
        height: 1fr;
    }
    CompliancePanel #compliance-figures {
        height: 1fr;
    }
    CompliancePanel #compliance-recordings {
        height: 8;
    }
    CompliancePanel .compliance-none {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    CompliancePanel .compliance-title {
        text-style: bold;
        color: $accent;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(t("compliance_view.loading"), id="compliance-loading")
        yield PlainTable(id="compliance-figures", cursor_type="row", zebra_stripes=True)
        yield Static(t("compliance_view.recordings"), classes="compliance-title")
        yield PlainTable(id="compliance-recordings", cursor_type="row")
        # the empty state is a line of its own, not a row: a row would size the time column
        # to the sentence and push the last column off an 80-column screen
        none = Static(t("compliance_view.none"), id="compliance-none", classes="compliance-none")
        none.display = False
        yield none

    def on_mount(self) -> None:
        figures = self.query_one("#compliance-figures", PlainTable)
        figures.add_column(t("compliance_view.col.item"), key="label")
        figures.add_column(t("compliance_view.col.today"), key="today")
        figures.add_column(t("compliance_view.col.month"), key="month")
        rec = self.query_one("#compliance-recordings", PlainTable)
        for key in ("time", "client", "product", "status", "ref"):
            rec.add_column(t(f"compliance_view.col.{key}"), key=key)
        self.reload()

    def fetch(self) -> tuple[Any, tuple[Any, ...]]:
        return self.services.compliance.overview, ()

    def show_loading(self, on: bool) -> None:
        self.query_one("#compliance-loading", Static).display = on

    def show(self, overview: Any) -> None:
        figures = self.query_one("#compliance-figures", PlainTable)
        figures.clear()
        for key, label, today, month in figure_rows(overview):
            warn = key in ("sales_without_valid_assessment", "unrecorded_sales") and today != "0"
            figures.add_row(Text(fit(label, 44), style="bold red" if warn else ""),
                            Text(today, justify="right"), Text(month, justify="right"),
                            key=key)
        rec = self.query_one("#compliance-recordings", PlainTable)
        rec.clear()
        tz = self.services.ctx.tz
        for sale in overview.recordings:
            rec.add_row(sale.at.astimezone(tz).strftime("%H:%M"), fit(sale.client_name, 10),
                        sale.product_code,
                        Text(t(f"dual_recording.status.{sale.status}"),
                             style="" if sale.status == "recorded" else "bold red"),
                        sale.recording_ref or "-", key=str(sale.sale_check_id))
        rec.display = bool(overview.recordings)
        self.query_one("#compliance-none", Static).display = not overview.recordings
