"""The head's report tabs, each a panel that owns its keys (ui/widgets/head_panel.py):

- `FlowPanel` — the daily flow log (manual ch.2 §2.7 item 8); F8 picks the day;
- `KpiPanel` — the KPI scorecard of a month (ch.7); F8 picks the month, Ctrl+E enters a figure;
- `EodPanel` — the end-of-day summary of a day or a month (ch.6 §6.1); F8 closes the day (only
  offered while the shown day is open), Ctrl+G picks a day or a month, Ctrl+E exports (XLSX).

Each shows a title line (with "加载中…" while its report loads) above the report's sections
(`SectionTables`). A panel posts `CloseDay(state)` for its screen to open the close dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from wealthtui.config import user_data_dir
from wealthtui.i18n import t
from wealthtui.reports import export
from wealthtui.reports.kpi import MANUAL
from wealthtui.reports.render import to_xlsx
from wealthtui.rules.fields import FieldError
from wealthtui.services.day import DayState
from wealthtui.services.reports import parse_business_date, parse_month
from wealthtui.ui.dialogs.form_dialog import Field
from wealthtui.ui.dialogs.head_forms import head_form
from wealthtui.ui.widgets.head_panel import HeadPanel, loading_text
from wealthtui.ui.widgets.head_tables import SectionTables

#: the staff-figure tables (and the tickets by category): the name gives up cells (cut with
#: …) when the table is too wide
STAFF_FILL = {key: "name" for key in ("kpi_teller", "kpi_lobby", "kpi_cm", "tellers",
                                      "tellers_month", "premium_by_cm", "tickets")}
#: the tickets by category, in the flow log and the end of day: the rarer counts go first
TICKETS_NARROW = ("avg_service", "max_wait", "still_open", "cancelled", "no_show")


class ReportPanel(HeadPanel, abstract=True):
    """A title line and the report's sections; the panel itself takes the focus."""

    can_focus = True
    #: per section: the column that gives up cells, and the columns left out while the table
    #: does not fit (head_tables.SectionTables)
    FILL: ClassVar[dict[str, str]] = {}
    NARROW: ClassVar[dict[str, tuple[str, ...]]] = {}

    DEFAULT_CSS = """
    ReportPanel {
        height: 1fr;
    }
    ReportPanel > .tab-head {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    ReportPanel:focus > .tab-head, ReportPanel.-focus > .tab-head {
        background: $accent 30%;
        text-style: bold;
    }
    ReportPanel > SectionTables {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.head = Text()

    def compose(self) -> ComposeResult:
        yield Static(loading_text(), id=f"{self.KEY}-head", classes="tab-head")
        yield SectionTables(id=f"{self.KEY}-tables", classes="tab-body", fill=self.FILL,
                            narrow=self.NARROW)

    # the focus on one of its tables shows on the title line too (issue 19: a visible focus);
    # a class, as Textual restyles a node's other children on a class change, not on
    # :focus-within
    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self.add_class("-focus")

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self.remove_class("-focus")

    def show_loading(self, on: bool) -> None:
        line = self.head.copy()
        if on:
            if line:
                line.append("  ")
            line.append_text(loading_text())
        self.query_one(f"#{self.KEY}-head", Static).update(line)

    def set_head(self, head: Text | str) -> None:
        self.head = head if isinstance(head, Text) else Text(head)
        self.show_loading(self.busy)

    @property
    def tables(self) -> SectionTables:
        return self.query_one(SectionTables)

    def today(self) -> date:
        return self.clock.now().astimezone(self.services.ctx.tz).date()

    def this_month(self) -> str:
        return self.clock.now().astimezone(self.services.ctx.tz).strftime("%Y-%m")


class FlowPanel(ReportPanel):
    KEY = "flow"
    FILL: ClassVar[dict[str, str]] = STAFF_FILL
    NARROW: ClassVar[dict[str, tuple[str, ...]]] = {"tickets": TICKETS_NARROW}
    LIVE = True
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f8", "pick_flow_day", "head.bind.pick_day", id="head.pick_flow_day"),
    ]
    FOOTER_ORDER = ("head.pick_flow_day",)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.day: date | None = None      # None: today

    def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.services.reports.flow_log, (self.day,)

    def show(self, flow: Any) -> None:
        doc = export.flow_dict(self.settings, flow)
        confirmed = (t("head.flow.confirmed", who=flow.confirmed_by) if flow.confirmed_by
                     else t("head.flow.unconfirmed"))
        self.set_head(Text(t("head.flow.head", date=flow.first.isoformat()) + "  " + confirmed))
        self.tables.show(export.flow_log_sections(doc))

    def action_pick_flow_day(self) -> None:
        def chosen(day: date | None) -> None:
            if day is not None:
                self.day = day
                self.request()
        self.app.push_screen(head_form(t("head.flow.pick_title"), [
            Field("day", "report.field.date", value=(self.day or self.today()).isoformat())
        ], submit=lambda _actor, v: parse_business_date(v["day"])), chosen)


class KpiPanel(ReportPanel):
    KEY = "kpi"
    FILL: ClassVar[dict[str, str]] = {"kpi_center": "indicator", **STAFF_FILL}
    NARROW: ClassVar[dict[str, tuple[str, ...]]] = {
        "kpi_center": ("entered_by", "source", "detail"),
        # the staff figures (issue 19: they scrolled sideways at 80 columns): the last
        # indicators of each group go first, shown under the table for the highlighted row
        "kpi_teller": ("kpi_product_test_score", "kpi_avg_service_min", "kpi_leads_converted",
                       "kpi_leads_referred"),
        "kpi_lobby": ("kpi_diverted", "kpi_referrals_converted", "kpi_referrals_made"),
        "kpi_cm": ("kpi_referrals_converted", "kpi_book_size", "kpi_new_premium",
                   "kpi_contacts_logged"),
    }
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f8", "pick_month", "head.bind.pick_month", id="head.pick_month"),
        Binding("ctrl+e", "enter_figure", "head.bind.enter_figure", id="head.enter_figure"),
    ]
    FOOTER_ORDER = ("head.pick_month", "head.enter_figure")

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.month: str | None = None     # None: this month

    def chosen_month(self) -> str:
        return self.month or self.this_month()

    def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return self.services.reports.kpi, (self.chosen_month(),)

    def show(self, report: Any) -> None:
        self.set_head(t("head.kpi.head", month=report.month))
        self.tables.show(export.kpi_sections(export.kpi_dict(report, self.services.ctx.tz)))

    def action_pick_month(self) -> None:
        def chosen(month: str | None) -> None:
            if month is not None:
                self.month = month
                self.request()
        self.app.push_screen(head_form(t("head.kpi.pick_title"), [
            Field("month", "report.field.month", value=self.chosen_month(), max_length=7),
        ], submit=lambda _actor, v: parse_month(v["month"])), chosen)

    def action_enter_figure(self) -> None:
        options = tuple((t(f"kpi.indicator.{code}"), code) for code in MANUAL)
        reports = self.services.reports

        def submit(actor: Any, v: dict[str, Any]) -> Any:
            return reports.enter_manual_figure(actor, v["month"], v["indicator"], v["value"],
                                               v["staff_no"] or None)

        def done(result: Any) -> None:
            if result is not None:
                self.changed(t("head.kpi.entered"))
        self.app.push_screen(head_form(t("head.kpi.enter_title"), [
            Field("indicator", "report.field.indicator", kind="select", options=options),
            Field("month", "report.field.month", value=self.chosen_month(), max_length=7),
            Field("value", "report.field.value", max_length=20),
            Field("staff_no", "field.staff_no", max_length=20),
        ], submit=submit, detail=t("head.kpi.enter_detail")), done)


def pick_when(text: str) -> date | str:
    """A business date (YYYY-MM-DD) or a month (YYYY-MM) typed into the end-of-day picker."""
    text = text.strip()
    try:
        return parse_month(text) if len(text) <= 7 else parse_business_date(text)
    except FieldError as exc:
        raise FieldError("head.field.when", "error.head.when") from exc


class EodPanel(ReportPanel):
    KEY = "eod"
    FILL: ClassVar[dict[str, str]] = STAFF_FILL
    #: left out while a table does not fit (issue 19: the tellers' balances scrolled sideways
    #: at 80 columns), shown under it for the highlighted row
    NARROW: ClassVar[dict[str, tuple[str, ...]]] = {
        "tellers": ("signed_off_by", "matches", "balanced", "expected", "counted"),
        "tellers_month": ("balanced_days", "signed_off_days"),
        "days": ("signed_off", "tellers", "referrals", "complaints", "premium_identified",
                 "premium_received", "avg_wait"),
        "handoffs": ("created", "from"),
        "tickets": TICKETS_NARROW,
    }
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("f8", "close_day", "head.bind.close_day", id="head.close_day"),
        Binding("ctrl+g", "pick_eod", "head.bind.pick_eod", id="head.pick_eod"),
        Binding("ctrl+e", "export_eod", "head.bind.export", id="head.export_eod"),
    ]
    FOOTER_ORDER = ("head.close_day", "head.pick_eod", "head.export_eod")

    class CloseDay(Message):
        """F8: the screen opens the close dialog for `state` (an open day)."""

        def __init__(self, state: DayState) -> None:
            super().__init__()
            self.state = state

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.day: date | None = None        # None: today
        self.month: str | None = None       # set: the month view instead of a day
        self.day_state: DayState | None = None
        self.doc: dict[str, Any] | None = None

    def fetch(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return fetch_eod, (self.services, self.day, self.month)

    def show(self, loaded: tuple[Any, DayState | None]) -> None:
        report, state = loaded
        self.day_state = state
        if state is None:
            self.doc = export.month_dict(self.settings, report)
            self.set_head(t("head.eod.month_head", month=report.month, days=len(report.days),
                            closed=report.days_closed))
            self.tables.show(export.month_sections(self.doc))
        else:
            self.doc = export.day_dict(self.settings, report)
            if state.closed:
                status = t("head.eod.closed", who=state.closed_by)
            elif state.problem_count:
                status = t("head.eod.open_problems", count=state.problem_count)
            else:
                status = t("head.eod.open_ready")
            self.set_head(t("head.eod.head", date=report.date.isoformat()) + "  " + status)
            self.tables.show(export.day_sections(self.doc))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_day":  # offered only for a shown day that is still open
            return self.day_state is not None and not self.day_state.closed
        if action == "export_eod":
            return True if self.doc is not None else None
        return True

    def action_close_day(self) -> None:
        if self.day_state is not None and not self.day_state.closed:
            self.post_message(self.CloseDay(self.day_state))

    def action_pick_eod(self) -> None:
        def chosen(value: date | str | None) -> None:
            if value is None:
                return
            if isinstance(value, date):
                self.day, self.month = value, None
            else:
                self.month = value
            self.day_state, self.doc = None, None
            self.refresh_bindings()
            self.request()
        current = self.month or (self.day or self.today()).isoformat()
        self.app.push_screen(head_form(t("head.eod.pick_title"), [
            Field("when", "head.field.when", value=current, max_length=10),
        ], submit=lambda _actor, v: pick_when(v["when"]), detail=t("head.eod.pick_detail")),
            chosen)

    def action_export_eod(self) -> None:
        if self.doc is None:
            return
        doc = self.doc
        if "month" in doc:
            sections, name = export.month_sections(doc), f"eod-{doc['month']}.xlsx"
        else:
            sections, name = export.day_sections(doc), f"eod-{doc['date']}.xlsx"
        folder = Path(user_data_dir()) / "exports"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            to_xlsx(sections, folder / name)
        except OSError as exc:
            self.notify(t("head.eod.export_failed", error=str(exc)), severity="error", markup=False)
            return
        self.notify(t("head.eod.exported", path=str(folder / name)), timeout=10, markup=False)


def fetch_eod(actor: Any, services: Any, day: date | None,
              month: str | None) -> tuple[Any, DayState | None]:
    """The end-of-day report and the day's state, or a month's report (in the call's thread)."""
    if month is not None:
        return services.reports.month(actor, month), None
    return services.reports.eod(actor, day), services.day.state(actor, day)
