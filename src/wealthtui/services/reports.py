"""Permission-checked entry points of the reports (wealthtui.reports): the flow log, the
end-of-day summary and its month view, the KPI scorecard, and the head's monthly entry of the
figures the app cannot record (manual digest §7.2: agency income, product-knowledge tests).

`eod_for_operator` / `month_for_operator` are explicit unauthenticated reads for the command line
(`wealthtui eod`), which runs on the center's machine by its operator, like `audit verify`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlmodel import select

from wealthtui.citations import service_section
from wealthtui.model import ManualFigure, Staff
from wealthtui.procedures import Catalog
from wealthtui.reports import charts as chart_reports
from wealthtui.reports import eod as eod_reports
from wealthtui.reports import kpi as kpi_reports
from wealthtui.reports.flow_log import FlowLog, flow_log
from wealthtui.reports.periods import parse_business_date, parse_month  # noqa: F401 (re-exported)
from wealthtui.rules.fields import FieldError
from wealthtui.rules.money import MAX_FEN, format_fen
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.day import catalog_or_none
from wealthtui.services.errors import NotFound

KPI_SECTION = service_section("reports.KPI_SECTION")

#: a manual figure stays below this (amounts: the money rules' ceiling, ten trillion yuan)
FIGURE_MAX = Decimal(MAX_FEN) / 100


def parse_figure(indicator: str, text: str) -> float:
    """A manual KPI figure: a number; percentages and test scores 0–100, amounts from 0 up to
    below FIGURE_MAX (so that it is stored as a finite float: "1e400" is refused, not infinity)."""
    if indicator not in kpi_reports.MANUAL:
        raise FieldError("report.field.indicator", "error.field.choice", accepted=", ".join(kpi_reports.MANUAL))
    value = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    value = value.removeprefix("¥").removesuffix("%").removesuffix("元").strip()
    if not value:
        raise FieldError("report.field.value", "error.field.required")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise FieldError("report.field.value", "error.report.number") from exc
    if not number.is_finite() or number < 0:
        raise FieldError("report.field.value", "error.report.number")
    unit, _per_staff = kpi_reports.MANUAL[indicator]
    if unit in ("pct", "points") and number > 100:
        raise FieldError("report.field.value", "error.report.pct")
    if number >= FIGURE_MAX:
        raise FieldError("report.field.value", "error.figure.too_large",
                         max=format_fen(MAX_FEN))
    if number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise FieldError("report.field.value", "error.field.amount_decimals")
    return float(abs(number))  # abs: "-0" is 0


@dataclass(frozen=True)
class ManualFigureView:
    month: str
    indicator: str
    staff_no: str
    value: float
    entered_by: str
    entered_at: datetime


class ReportService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService) -> None:
        super().__init__(ctx)
        self._checklists = checklists

    def _catalog(self) -> Catalog | None:
        return catalog_or_none(self._checklists)

    def _day_report(self, uow: UnitOfWork, day: date | None) -> eod_reports.DayReport:
        return eod_reports.day_report(uow.session, uow.settings, day or uow.today, now=uow.now,
                              catalog=self._catalog())

    def _month_report(self, uow: UnitOfWork, month: str) -> eod_reports.MonthReport:
        return eod_reports.month_report(uow.session, uow.settings, parse_month(month),
                                catalog=self._catalog())

    @requires("flowlog.view", write=False)
    def flow_log(self, uow: UnitOfWork, day: date | None = None) -> FlowLog:
        """The daily flow log (ch.2 §2.7 item 8) of `day` (default today), derived live."""
        return flow_log(uow.session, uow.settings, day or uow.today)

    @requires("report.eod", write=False)
    def eod(self, uow: UnitOfWork, day: date | None = None) -> eod_reports.DayReport:
        return self._day_report(uow, day)

    @requires("report.eod", write=False)
    def month(self, uow: UnitOfWork, month: str) -> eod_reports.MonthReport:
        return self._month_report(uow, month)

    @requires("flowlog.view", write=False)
    def waits_by_hour(self, uow: UnitOfWork, day: date | None = None
                      ) -> tuple[chart_reports.HourWait, ...]:
        """The head's chart of waits by hour and lane (reports.charts)."""
        return chart_reports.waits_by_hour(uow.session, uow.settings, day or uow.today)

    @requires("report.eod", write=False)
    def trend(self, uow: UnitOfWork, month: str) -> tuple[chart_reports.TrendDay, ...]:
        """The head's chart of the month's visits, conversions and complaints (reports.charts)."""
        return chart_reports.month_trend(uow.session, uow.settings, parse_month(month))

    @requires("kpi.view", write=False)
    def kpi(self, uow: UnitOfWork, month: str) -> kpi_reports.KpiReport:
        return kpi_reports.kpi_report(uow.session, uow.settings, parse_month(month), today=uow.today)

    @requires("kpi.enter")
    def enter_manual_figure(self, uow: UnitOfWork, month: str, indicator: str, value: str,
                            staff_no: str | None = None) -> ManualFigureView:
        """Enter (or correct) a figure the app cannot record, for one month; audited."""
        month = parse_month(month)
        number = parse_figure(indicator, value)
        _unit, per_staff = kpi_reports.MANUAL[indicator]
        staff_id: int | None = None
        if per_staff:
            if not (staff_no or "").strip():
                raise FieldError("field.staff_no", "error.field.required")
            staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no.strip())).first()
            if staff is None:
                raise NotFound("error.staff.not_found", staff_no=staff_no)
            staff_id = staff.id
        row = uow.session.exec(select(ManualFigure).where(
            ManualFigure.month == month, ManualFigure.indicator == indicator,
            ManualFigure.staff_id == staff_id if staff_id is not None
            else ManualFigure.staff_id.is_(None))).first()  # type: ignore[union-attr]
        before = row.value if row else None
        assert uow.actor_id is not None
        if row is None:
            row = ManualFigure(month=month, indicator=indicator, staff_id=staff_id, value=number,
                               entered_by=uow.actor_id, entered_at=uow.now)
        else:
            row.value, row.entered_by, row.entered_at = number, uow.actor_id, uow.now
        uow.session.add(row)
        uow.session.flush()
        uow.audit("kpi.enter", "manual_figure", row.id, manual_section=KPI_SECTION, month=month,
                  indicator=indicator, staff_no=staff_no or "", before=before, after=number)
        assert uow.staff is not None
        return ManualFigureView(month, indicator, (staff_no or "").strip(), number,
                                f"{uow.staff.staff_no} {uow.staff.name}", uow.now)

    # --- the operator's command line (no signed-in actor) --------------------------------------
    def eod_for_operator(self, day: date | None = None) -> eod_reports.DayReport:
        """`wealthtui eod`: the summary of `day` (default today) for the machine's operator."""
        return self._read(lambda uow: self._day_report(uow, day))

    def month_for_operator(self, month: str) -> eod_reports.MonthReport:
        """`wealthtui eod --month`: the month view for the machine's operator."""
        return self._read(lambda uow: self._month_report(uow, month))

    def today(self) -> date:
        return self.ctx.today()
