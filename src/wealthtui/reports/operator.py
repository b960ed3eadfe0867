"""`wealthtui eod` for the machine's operator (no staff sign-in, like `audit verify`).

The same report functions the head's screens call through services.reports (reports.eod), run
here on one Core connection of the engine in one read transaction, with the Core tables of
store.tables: the command starts without the ORM models, the services or Textual (issue 22).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from wealthtui.config import Settings
from wealthtui.reports import eod
from wealthtui.reports.periods import parse_month
from wealthtui.reports.procedure_outline import Outline, directory_of, outline_of
from wealthtui.rules.clock import Clock, business_date, zone


def catalog_or_none(settings: Settings) -> Outline | None:
    """The procedures the summary's checklist section counts against, as an outline (validated
    once per version of the files: reports.procedure_outline); None when the files are broken
    (the summary then leaves the checklists out, as on the head's screen)."""
    return outline_of(directory_of(settings.procedures.dir))


def day_report(engine: Engine, settings: Settings, day: date | None = None, *,
               clock: Clock | None = None) -> eod.DayReport:
    """The end-of-day summary of `day` (default: today's business date)."""
    now = (clock or Clock()).now()
    catalog = catalog_or_none(settings)
    with engine.connect() as conn:
        return eod.day_report(conn, settings, day or business_date(now, zone(settings.center.timezone)),
                              now=now, catalog=catalog)


def month_report(engine: Engine, settings: Settings, month: str) -> eod.MonthReport:
    """The month view of `month` (`YYYY-MM`, as typed: FieldError naming the month field)."""
    month = parse_month(month)
    catalog = catalog_or_none(settings)
    with engine.connect() as conn:
        return eod.month_report(conn, settings, month, catalog=catalog)
