"""The daily flow log (业务流量记录, manual ch.2 §2.7 item 8), derived from the records.

The lobby manager used to keep it by hand for the head; here it is computed, never typed in:

- premium clients received by each CM: premium-arrival hand-offs the CM accepted (or completed);
- premium clients identified by the lobby: distinct premium-tier clients the lobby identified at a
  visit, plus the potential-premium leads the lobby raised; by cash counters and by non-cash
  counters: the leads (referrals to a CM) raised with source `cash_counter` / `non_cash_counter`;
- complaints received (by the complaint's business date);
- visitors (visits), diversions to self-service / e-channels (visits marked diverted);
- tickets per category (the category the number was issued from — a transfer keeps it): issued,
  served, no-show, cancelled, still open; waits from the events (issue → first call) and
  service times (first start → last finish of a finished ticket);
- referrals (leads) made, accepted (the receiving CM took the hand-off, or worked the lead) and
  converted — of the leads raised in the period, as they stand now.

Every figure is one aggregate query over indexed business-date columns; a period is a range of
business dates, so the month view runs the same queries over a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, distinct, func, or_, select
from sqlalchemy.orm import Session

from wealthtui.config import Settings
from wealthtui.model import BusinessDay, Complaint, Handoff, Lead, Staff, Ticket, TicketEvent, Visit
from wealthtui.reports.sql import on_days, seconds_between

COUNTER_SOURCES = ("cash_counter", "non_cash_counter")
OPEN_TICKET = ("waiting", "called", "serving", "parked")


@dataclass(frozen=True)
class CmReceived:
    staff_no: str
    name: str
    count: int


@dataclass(frozen=True)
class PremiumIdentified:
    lobby: int
    cash_counter: int
    non_cash_counter: int

    @property
    def total(self) -> int:
        return self.lobby + self.cash_counter + self.non_cash_counter


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


def premium_tiers(settings: Settings) -> tuple[str, ...]:
    return tuple(t.code for t in settings.tiers if t.premium)


# --- the figures, each one query ------------------------------------------------------------
def premium_received_by_cm(session: Session, first: date, last: date) -> tuple[CmReceived, ...]:
    rows = session.execute(
        select(Staff.staff_no, Staff.name, func.count(Handoff.id))
        .join(Staff, Staff.id == Handoff.to_staff_id)
        .where(on_days(Handoff.business_date, first, last),
               Handoff.kind == "premium_arrival",
               Handoff.status.in_(("accepted", "done")))  # type: ignore[attr-defined]
        .group_by(Staff.staff_no, Staff.name)
        .order_by(Staff.staff_no)
    ).all()
    return tuple(CmReceived(no, name, n) for no, name, n in rows)


def premium_identified(session: Session, settings: Settings, first: date,
                       last: date) -> PremiumIdentified:
    # distinct premium clients identified per day, summed over the days
    per_day = (
        select(func.count(distinct(Visit.client_id)).label("n"))
        .where(on_days(Visit.business_date, first, last),
               Visit.identified_by.is_not(None),  # type: ignore[union-attr]
               Visit.client_id.is_not(None),  # type: ignore[union-attr]
               Visit.tier_at_arrival.in_(premium_tiers(settings)))  # type: ignore[attr-defined]
        .group_by(Visit.business_date)
        .subquery()
    )
    visits = session.execute(select(func.coalesce(func.sum(per_day.c.n), 0))).scalar_one()
    leads = dict(session.execute(
        select(Lead.source, func.count(Lead.id))
        .where(on_days(Lead.business_date, first, last))
        .group_by(Lead.source)
    ).all())
    return PremiumIdentified(
        lobby=int(visits) + leads.get("lobby", 0),
        cash_counter=leads.get("cash_counter", 0),
        non_cash_counter=leads.get("non_cash_counter", 0),
    )


def complaints_received(session: Session, first: date, last: date) -> int:
    return session.execute(
        select(func.count(Complaint.id))
        .where(on_days(Complaint.business_date, first, last))
    ).scalar_one()


def visits(session: Session, first: date, last: date) -> tuple[int, int]:
    """(visitors, diverted to self-service)."""
    total, diverted = session.execute(
        select(func.count(Visit.id), func.coalesce(func.sum(case((Visit.diverted, 1), else_=0)), 0))
        .where(on_days(Visit.business_date, first, last))
    ).one()
    return int(total), int(diverted)


def ticket_flows(session: Session, settings: Settings, first: date,
                 last: date) -> tuple[CategoryFlow, ...]:
    in_range = on_days(Ticket.business_date, first, last)
    counts = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                Ticket.series,
                func.count(Ticket.id),
                func.sum(case((Ticket.status == "done", 1), else_=0)),
                func.sum(case((Ticket.status == "no_show", 1), else_=0)),
                func.sum(case((Ticket.status == "cancelled", 1), else_=0)),
                func.sum(case((Ticket.status.in_(OPEN_TICKET), 1), else_=0)),  # type: ignore[attr-defined]
            ).where(in_range).group_by(Ticket.series)
        )
    }
    per_ticket = (
        select(
            Ticket.series.label("series"),
            seconds_between(Ticket.issued_at, func.min(
                case((TicketEvent.kind == "called", TicketEvent.at)))).label("wait"),
            case((Ticket.status == "done", seconds_between(
                func.min(case((TicketEvent.kind == "started", TicketEvent.at))),
                func.max(case((TicketEvent.kind == "finished", TicketEvent.at))),
            ))).label("service"),
        )
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .where(in_range, TicketEvent.kind.in_(("called", "started", "finished")))  # type: ignore[attr-defined]
        .group_by(TicketEvent.ticket_id, Ticket.series, Ticket.issued_at, Ticket.status)
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


def referrals(session: Session, first: date, last: date) -> Referrals:
    accepted = or_(
        Handoff.status.in_(("accepted", "done")),  # type: ignore[attr-defined]
        Lead.status.in_(("contacted", "converted")),  # type: ignore[attr-defined]
    )
    made, taken, converted = session.execute(
        select(
            func.count(Lead.id),
            func.coalesce(func.sum(case((accepted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Lead.status == "converted", 1), else_=0)), 0),
        )
        .select_from(Lead)
        .outerjoin(Handoff, Handoff.id == Lead.handoff_id)
        .where(on_days(Lead.business_date, first, last))
    ).one()
    return Referrals(int(made), int(taken), int(converted))


def confirmation(session: Session, day: date) -> tuple[str, datetime | None]:
    row = session.execute(
        select(Staff.staff_no, Staff.name, BusinessDay.flow_log_confirmed_at)
        .join(Staff, Staff.id == BusinessDay.flow_log_confirmed_by)
        .where(BusinessDay.business_date == day)
    ).first()
    if row is None:
        return "", None
    no, name, at = row
    return f"{no} {name}", at


def flow_log(session: Session, settings: Settings, first: date, last: date | None = None) -> FlowLog:
    """The flow log of one business day (`first`) or of the days `first`..`last`."""
    last = last or first
    visitors, diverted = visits(session, first, last)
    confirmed_by, confirmed_at = confirmation(session, first) if first == last else ("", None)
    return FlowLog(
        first=first, last=last,
        premium_received_by_cm=premium_received_by_cm(session, first, last),
        premium_identified=premium_identified(session, settings, first, last),
        complaints_received=complaints_received(session, first, last),
        visitors=visitors, diverted=diverted,
        tickets=ticket_flows(session, settings, first, last),
        referrals=referrals(session, first, last),
        confirmed_by=confirmed_by, confirmed_at=confirmed_at,
    )


__all__ = [
    "CategoryFlow", "CmReceived", "FlowLog", "PremiumIdentified", "Referrals", "flow_log",
    "merge_categories", "premium_tiers",
]
