"""The periods a report is asked for, as typed: a month (`YYYY-MM`) or a business date. Here,
beside the reports, so the operator's `wealthtui eod` reads them without the services
(services.reports re-exports them for the screens)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from wealthtui.reports.sql import month_bounds
from wealthtui.rules.deadlines import parse_day
from wealthtui.rules.fields import FieldError

_MONTH = re.compile(r"^\d{4}-\d{2}$")


def parse_month(text: str) -> str:
    """`YYYY-MM` (full-width digits accepted); FieldError naming the month field otherwise."""
    value = unicodedata.normalize("NFKC", text or "").strip().replace("/", "-")
    if not _MONTH.match(value):
        raise FieldError("report.field.month", "error.report.month")
    try:
        month_bounds(value)
    except ValueError as exc:
        raise FieldError("report.field.month", "error.report.month") from exc
    return value


def parse_business_date(text: str) -> date:
    """A business date as the date fields read it (rules.deadlines.parse_day: 2026-11-30,
    2026/11/30, 2026年11月30日, 20261130, full-width digits); FieldError naming the date
    otherwise."""
    try:
        return parse_day(text, "report.field.date")
    except FieldError as exc:
        raise FieldError("report.field.date", "error.report.date") from exc
