"""The figures behind the head's charts (issue 19), each from the report functions that give the
same figures elsewhere (one truth per figure):

- `waits_by_hour(session, settings, day)`: per lane (the ticket's category) and local hour of
  issue, the tickets called and their average wait (issue → first call) — the same per-ticket
  wait as the flow log's (reports.flow_log.ticket_flows), split by the hour;
- `month_trend(session, settings, month)`: per business day of the month, the visits and the
  complaints of the month view's day rows (reports.eod.day_rows) and the leads converted of
  reports.figures.leads_by_day.

The arrivals per hour come with the dashboard (services.dashboard.arrivals_by_hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from wealthtui.config import Settings
from wealthtui.reports import figures
from wealthtui.reports.eod import day_rows
from wealthtui.reports.sql import Db, month_bounds, on_days, seconds_between, utc_hour
from wealthtui.store.tables import ticket, ticket_event


@dataclass(frozen=True)
class HourWait:
    category: str
    hour: int              # local hour the ticket was issued
    called: int            # tickets of that hour that were called (have a wait)
    avg_wait_s: float


@dataclass(frozen=True)
class TrendDay:
    date: date
    visits: int
    conversions: int       # leads raised that day, converted (as they stand now)
    complaints: int        # complaints received that day


def _local_hour(day: date, utc: int, tz: ZoneInfo) -> int:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
    offset = noon.utcoffset() or timedelta(0)
    return (utc + int(offset.total_seconds() // 3600)) % 24


def waits_by_hour(session: Db, settings: Settings, day: date) -> tuple[HourWait, ...]:
    """Called tickets and their average wait per lane and hour of issue, lanes in the
    configured order, hours ascending."""
    tz = ZoneInfo(settings.center.timezone)
    per_ticket = (
        select(
            ticket.c.series.label("series"),
            utc_hour(ticket.c.issued_at).label("hour"),
            seconds_between(ticket.c.issued_at, func.min(
                case((ticket_event.c.kind == "called", ticket_event.c.at)))).label("wait"),
        )
        .join(ticket_event, ticket_event.c.ticket_id == ticket.c.id)
        .where(on_days(ticket.c.business_date, day, day), ticket_event.c.kind == "called")
        .group_by(ticket_event.c.ticket_id, ticket.c.series, ticket.c.issued_at)
        .subquery()
    )
    rows = session.execute(
        select(per_ticket.c.series, per_ticket.c.hour, func.count(per_ticket.c.wait),
               func.avg(per_ticket.c.wait))
        .group_by(per_ticket.c.series, per_ticket.c.hour))
    found: dict[tuple[str, int], tuple[int, float]] = {}
    for series, hour, called, avg in rows:
        if hour is None or avg is None:
            continue
        local = _local_hour(day, int(hour), tz)
        n, total = found.get((series, local), (0, 0.0))
        found[(series, local)] = (n + int(called), total + float(avg) * int(called))
    order = [c.code for c in settings.queue.categories]
    rank = {code: i for i, code in enumerate(order)}
    return tuple(
        HourWait(category=code, hour=hour, called=n, avg_wait_s=total / n)
        for (code, hour), (n, total) in sorted(
            found.items(), key=lambda kv: (rank.get(kv[0][0], len(rank)), kv[0][0], kv[0][1]))
    )


def month_trend(session: Db, settings: Settings, month: str) -> tuple[TrendDay, ...]:
    """Visits, conversions and complaints per business day of `month` (days with activity)."""
    first, last = month_bounds(month)
    leads = figures.leads_by_day(session, first, last)
    return tuple(
        TrendDay(date=row.date, visits=row.visitors,
                 conversions=leads[row.date].converted.total if row.date in leads else 0,
                 complaints=row.complaints)
        for row in day_rows(session, settings, first, last)
    )
