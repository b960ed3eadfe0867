"""The daily flow log (业务流量记录, manual ch.2 §2.7 item 8), derived from the records.

The lobby manager used to keep it by hand for the head; here it is computed, never typed in. Its
figures are defined once in reports.figures (premium clients received per CM — completed
arrivals; premium clients identified by source — lobby visits, cash and non-cash counter
referrals; leads by source, separate from identification; complaints; visitors and diversions),
and the lobby's status line, the CM's screen, the KPIs and the end-of-day summary call the same
functions. Here too:

- tickets per category (the category the number was issued from — a transfer keeps it): issued,
  served, no-show, cancelled, still open; waits from the events (issue → first call) and
  service times (first start → last finish of a finished ticket);
- referrals: the leads' totals over the sources (made, accepted, converted).

Every figure is one aggregate query over indexed business-date columns; a period is a range of
business dates, so the month view runs the same queries over a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from wealthtui.config import Settings
from wealthtui.reports import figures
from wealthtui.reports.figures import CmReceived, PremiumIdentified, premium_tiers
from wealthtui.reports.sql import Db, on_days, seconds_between
from wealthtui.rules.status import TicketStatus
from wealthtui.store.tables import business_day, staff, ticket, ticket_event

OPEN_TICKET = ("waiting", "called", "serving", "parked")


@dataclass(frozen=True)
class CategoryFlow:
    category: str
    issued: int
    served: int
    no_show: int
    cancelled: int
    still_open: int
    waits: int              # tickets that were called (have a wait)
    wait_total_s: float
    max_wait_s: float | None
    services: int           # finished tickets with a start and a finish
    service_total_s: float
    max_service_s: float | None

    @property
    def avg_wait_s(self) -> float | None:
        return self.wait_total_s / self.waits if self.waits else None

    @property
    def avg_service_s(self) -> float | None:
        return self.service_total_s / self.services if self.services else None


@dataclass(frozen=True)
class Referrals:
    made: int
    accepted: int
    converted: int


@dataclass(frozen=True)
class FlowLog:
    first: date
    last: date
    premium_received_by_cm: tuple[CmReceived, ...]
    premium_identified: PremiumIdentified
    complaints_received: int
    visitors: int
    diverted: int
    tickets: tuple[CategoryFlow, ...]
    referrals: Referrals
    leads: figures.Leads | None = None   # the referrals by source (lobby, counters, CM)
    confirmed_by: str = ""        # "staff_no name" of the lobby manager who confirmed the day
    confirmed_at: datetime | None = None

    @property
    def premium_received_total(self) -> int:
        return sum(c.count for c in self.premium_received_by_cm)

    def totals(self) -> CategoryFlow:
        """All categories together."""
        return merge_categories("*", self.tickets)


def merge_categories(code: str, parts: list[CategoryFlow] | tuple[CategoryFlow, ...]) -> CategoryFlow:
    maxima = [p.max_wait_s for p in parts if p.max_wait_s is not None]
    smaxima = [p.max_service_s for p in parts if p.max_service_s is not None]
    return CategoryFlow(
        category=code,
        issued=sum(p.issued for p in parts),
        served=sum(p.served for p in parts),
        no_show=sum(p.no_show for p in parts),
        cancelled=sum(p.cancelled for p in parts),
        still_open=sum(p.still_open for p in parts),
        waits=sum(p.waits for p in parts),
        wait_total_s=sum(p.wait_total_s for p in parts),
        max_wait_s=max(maxima) if maxima else None,
        services=sum(p.services for p in parts),
        service_total_s=sum(p.service_total_s for p in parts),
        max_service_s=max(smaxima) if smaxima else None,
    )


# --- the figures, each one query ------------------------------------------------------------
def ticket_flows(session: Db, settings: Settings, first: date,
                 last: date) -> tuple[CategoryFlow, ...]:
    in_range = on_days(ticket.c.business_date, first, last)
    counts = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                ticket.c.series,
                func.count(ticket.c.id),
                func.sum(case((ticket.c.status == TicketStatus.DONE, 1), else_=0)),
                func.sum(case((ticket.c.status == TicketStatus.NO_SHOW, 1), else_=0)),
                func.sum(case((ticket.c.status == TicketStatus.CANCELLED, 1), else_=0)),
                func.sum(case((ticket.c.status.in_(OPEN_TICKET), 1), else_=0)),
            ).where(in_range).group_by(ticket.c.series)
        )
    }
    per_ticket = (
        select(
            ticket.c.series.label("series"),
            seconds_between(ticket.c.issued_at, func.min(
                case((ticket_event.c.kind == "called", ticket_event.c.at)))).label("wait"),
            case((ticket.c.status == TicketStatus.DONE, seconds_between(
                func.min(case((ticket_event.c.kind == "started", ticket_event.c.at))),
                func.max(case((ticket_event.c.kind == "finished", ticket_event.c.at))),
            ))).label("service"),
        )
        .join(ticket_event, ticket_event.c.ticket_id == ticket.c.id)
        .where(in_range, ticket_event.c.kind.in_(("called", "started", "finished")))
        .group_by(ticket_event.c.ticket_id, ticket.c.series, ticket.c.issued_at, ticket.c.status)
        .subquery()
    )
    times = {
        row[0]: row[1:]
        for row in session.execute(
            select(per_ticket.c.series,
                   func.count(per_ticket.c.wait), func.sum(per_ticket.c.wait),
                   func.max(per_ticket.c.wait),
                   func.count(per_ticket.c.service), func.sum(per_ticket.c.service),
                   func.max(per_ticket.c.service))
            .group_by(per_ticket.c.series)
        )
    }
    order = [c.code for c in settings.queue.categories]
    codes = order + sorted(set(counts) - set(order))
    out = []
    for code in codes:
        issued, done, no_show, cancelled, still_open = counts.get(code, (0, 0, 0, 0, 0))
        waits, wait_sum, wait_max, services, service_sum, service_max = times.get(
            code, (0, None, None, 0, None, None))
        out.append(CategoryFlow(
            category=code, issued=int(issued), served=int(done or 0), no_show=int(no_show or 0),
            cancelled=int(cancelled or 0), still_open=int(still_open or 0),
            waits=int(waits), wait_total_s=float(wait_sum or 0.0),
            max_wait_s=float(wait_max) if wait_max is not None else None,
            services=int(services), service_total_s=float(service_sum or 0.0),
            max_service_s=float(service_max) if service_max is not None else None,
        ))
    return tuple(out)


def referrals_of(leads: figures.Leads) -> Referrals:
    return Referrals(leads.made.total, leads.accepted.total, leads.converted.total)


def confirmation(session: Db, day: date) -> tuple[str, datetime | None]:
    row = session.execute(
        select(staff.c.staff_no, staff.c.name, business_day.c.flow_log_confirmed_at)
        .join(staff, staff.c.id == business_day.c.flow_log_confirmed_by)
        .where(business_day.c.business_date == day)
    ).first()
    if row is None:
        return "", None
    no, name, at = row
    return f"{no} {name}", at


def flow_log(session: Db, settings: Settings, first: date, last: date | None = None) -> FlowLog:
    """The flow log of one business day (`first`) or of the days `first`..`last`."""
    last = last or first
    visitors, diverted = figures.visits(session, first, last)
    leads = figures.leads(session, first, last)
    confirmed_by, confirmed_at = confirmation(session, first) if first == last else ("", None)
    return FlowLog(
        first=first, last=last,
        premium_received_by_cm=figures.premium_received_by_cm(session, first, last),
        premium_identified=figures.premium_identified(session, settings, first, last),
        complaints_received=figures.complaints_received(session, first, last),
        visitors=visitors, diverted=diverted,
        tickets=ticket_flows(session, settings, first, last),
        referrals=referrals_of(leads), leads=leads,
        confirmed_by=confirmed_by, confirmed_at=confirmed_at,
    )


__all__ = [
    "CategoryFlow", "CmReceived", "FlowLog", "PremiumIdentified", "Referrals", "flow_log",
    "merge_categories", "premium_tiers",
]
