"""Small SQL helpers shared by the reports: portable time arithmetic and date ranges.

Datetimes are stored as naive UTC. The helpers compile to SQLite's julianday/strftime and to
PostgreSQL's EXTRACT, so that waits and hours are aggregated in the database, not in Python.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

#: what the reports read through: the services' Session, or a Core Connection (the operator's
#: `wealthtui eod`, which loads no ORM); both run the Core statements of store.tables
Db: TypeAlias = "Connection | Session"


class seconds_between(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """Seconds from the first datetime column to the second (`later - earlier`)."""

    type = Float()
    name = "seconds_between"
    inherit_cache = True


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return (f"((julianday({compiler.process(later, **kw)}) - "
            f"julianday({compiler.process(earlier, **kw)})) * 86400.0)")


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    earlier, later = list(element.clauses)
    return (f"EXTRACT(EPOCH FROM ({compiler.process(later, **kw)} - "
            f"{compiler.process(earlier, **kw)}))")


class utc_hour(FunctionElement):  # noqa: N801
    """The hour (0–23) of a UTC datetime column."""

    type = Integer()
    name = "utc_hour"
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _hour_sqlite(element: utc_hour, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"CAST(strftime('%H', {compiler.process(column, **kw)}) AS INTEGER)"


@compiles(utc_hour, "postgresql")
def _hour_pg(element: utc_hour, compiler: Any, **kw: Any) -> str:
    (column,) = list(element.clauses)
    return f"CAST(EXTRACT(HOUR FROM {compiler.process(column, **kw)}) AS INTEGER)"


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of a `YYYY-MM` month; ValueError when it is not one."""
    parts = month.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2:
        raise ValueError(month)
    year, mon = int(parts[0]), int(parts[1])
    last = calendar.monthrange(year, mon)[1]
    return date(year, mon, 1), date(year, mon, last)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def on_days(column: Any, first: date, last: date) -> Any:
    """`column = first` for one day, `column BETWEEN first AND last` for a period: the equality
    lets SQLite's planner take the business-date index even where a GROUP BY on the row id
    would tempt it into a full scan."""
    return column == first if first == last else column.between(first, last)
