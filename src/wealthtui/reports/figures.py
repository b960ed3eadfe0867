"""One definition per figure: every count that appears on more than one screen or export is
computed here, and every screen, export and report calls these functions (DESIGN §7 "one truth
per figure"). Manual ch.2 §2.7 item 8 names the figures of the daily flow record:

- **premium clients received by each CM** (每位客户经理接待的优质客户数量): distinct clients of
  the premium-arrival hand-offs a CM *completed* that day. An arrival accepted but never
  completed was not received; the same client arriving twice on one day counts once.
- **premium clients identified** (识别出的优质客户数量), by source:
  lobby — distinct premium-tier clients the lobby identified at a visit that day;
  cash counters / non-cash counters — distinct persons (a client, or a walk-in lead without a
  record) the counters passed to a CM that day (ch.2 §2.5 item 7: the counter's identification
  is its referral). Potential-premium leads raised by the lobby are NOT premium clients: they are
  the separate line of leads.
- **leads (referrals)** by source (lobby / cash counter / non-cash counter / CM): made, accepted
  (the receiving CM took the hand-off, or worked the lead) and converted (the stored lead status,
  set when a sale converts it) — of the leads raised in the period, as they stand now.
- complaints received, visitors and diversions, tickets issued; complaints past their decision
  date and hand-offs past their due time (the head's dashboard and the end-of-day summary).

A period is a range of business dates; per-day figures are summed over the days, so a month is
the sum of its days and the month view's rows add up to its totals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, distinct, func, or_, select

from wealthtui.config import Settings
from wealthtui.reports.sql import Db, on_days
from wealthtui.rules.status import HandoffStatus, LeadStatus
from wealthtui.store.tables import complaint, handoff, lead, staff, ticket, visit

SOURCES = ("lobby", "cash_counter", "non_cash_counter", "cm")
COUNTER_SOURCES = ("cash_counter", "non_cash_counter")
ARRIVAL = "premium_arrival"
OPEN_HANDOFF = ("open", "accepted")


@dataclass(frozen=True)
class BySource:
    """A count per lead source."""

    lobby: int = 0
    cash_counter: int = 0
    non_cash_counter: int = 0
    cm: int = 0

    @property
    def total(self) -> int:
        return self.lobby + self.cash_counter + self.non_cash_counter + self.cm

    def get(self, source: str) -> int:
        return int(getattr(self, source)) if source in SOURCES else 0

    def __add__(self, other: BySource) -> BySource:
        return BySource(*(self.get(s) + other.get(s) for s in SOURCES))


@dataclass(frozen=True)
class PremiumIdentified:
    lobby: int
    cash_counter: int
    non_cash_counter: int

    @property
    def total(self) -> int:
        return self.lobby + self.cash_counter + self.non_cash_counter


@dataclass(frozen=True)
class Leads:
    """Leads (referrals) raised in a period, by source."""

    made: BySource
    accepted: BySource
    converted: BySource


@dataclass(frozen=True)
class CmReceived:
    staff_no: str
    name: str
    count: int
    staff_id: int = 0


def premium_tiers(settings: Settings) -> tuple[str, ...]:
    return tuple(t.code for t in settings.tiers if t.premium)


# --- premium clients identified --------------------------------------------------------------
def _lobby_identified(settings: Settings, first: date, last: date):  # type: ignore[no-untyped-def]
    """(day, staff, client) of each premium client identified at a visit, once per day and
    identifying staff member."""
    return (
        select(visit.c.business_date.label("d"), visit.c.identified_by.label("s"),
               visit.c.client_id.label("c"))
        .where(on_days(visit.c.business_date, first, last),
               visit.c.identified_by.is_not(None),
               visit.c.client_id.is_not(None),
               visit.c.tier_at_arrival.in_(premium_tiers(settings)))
        .distinct()
        .subquery()
    )


def _person():  # type: ignore[no-untyped-def]
    """A lead's person: its client, or (a walk-in without a record) the lead itself."""
    return case((lead.c.client_id.is_not(None), lead.c.client_id),
                else_=-lead.c.id)


def premium_identified_by_day(session: Db, settings: Settings, first: date,
                              last: date) -> dict[date, PremiumIdentified]:
    """Premium clients identified per business day of the period, by source."""
    lobby_rows = _lobby_identified(settings, first, last)
    lobby = dict(session.execute(
        select(lobby_rows.c.d, func.count(distinct(lobby_rows.c.c))).group_by(lobby_rows.c.d)
    ).all())
    counters: dict[date, dict[str, int]] = defaultdict(dict)
    for day, source, n in session.execute(
        select(lead.c.business_date, lead.c.source, func.count(distinct(_person())))
        .where(on_days(lead.c.business_date, first, last),
               lead.c.source.in_(COUNTER_SOURCES))
        .group_by(lead.c.business_date, lead.c.source)
    ):
        counters[day][source] = int(n)
    out = {}
    for day in sorted(set(lobby) | set(counters)):
        c = counters.get(day, {})
        out[day] = PremiumIdentified(int(lobby.get(day, 0)), c.get("cash_counter", 0),
                                     c.get("non_cash_counter", 0))
    return out


def premium_identified(session: Db, settings: Settings, first: date,
                       last: date | None = None) -> PremiumIdentified:
    """Premium clients identified in the period (the days summed), by source."""
    days = premium_identified_by_day(session, settings, first, last or first).values()
    return PremiumIdentified(sum(p.lobby for p in days), sum(p.cash_counter for p in days),
                             sum(p.non_cash_counter for p in days))


def premium_identified_by_staff(session: Db, settings: Settings, first: date,
                                last: date) -> dict[int, int]:
    """Premium clients identified at a visit, per identifying staff id (days summed)."""
    rows = _lobby_identified(settings, first, last)
    return {int(s): int(n) for s, n in session.execute(
        select(rows.c.s, func.count()).group_by(rows.c.s))}


# --- premium clients received per CM ---------------------------------------------------------
def _received(first: date, last: date):  # type: ignore[no-untyped-def]
    """(day, CM, client) of each premium arrival a CM completed."""
    return (
        select(handoff.c.business_date.label("d"), handoff.c.to_staff_id.label("s"),
               handoff.c.client_id.label("c"))
        .where(on_days(handoff.c.business_date, first, last),
               handoff.c.kind == ARRIVAL, handoff.c.status == HandoffStatus.DONE,
               handoff.c.to_staff_id.is_not(None),
               handoff.c.client_id.is_not(None))
        .distinct()
        .subquery()
    )


def premium_received_by_cm(session: Db, first: date,
                           last: date | None = None) -> tuple[CmReceived, ...]:
    """Premium clients received per CM in the period, by staff number."""
    rows = _received(first, last or first)
    return tuple(CmReceived(no, name, int(n), int(sid)) for sid, no, name, n in session.execute(
        select(staff.c.id, staff.c.staff_no, staff.c.name, func.count())
        .select_from(rows).join(staff, staff.c.id == rows.c.s)
        .group_by(staff.c.id, staff.c.staff_no, staff.c.name)
        .order_by(staff.c.staff_no)))


def premium_received_by_day(session: Db, first: date, last: date) -> dict[date, int]:
    rows = _received(first, last)
    return {d: int(n) for d, n in session.execute(
        select(rows.c.d, func.count()).group_by(rows.c.d))}


def premium_received_of(session: Db, staff_id: int, first: date,
                        last: date | None = None) -> int:
    """Premium clients one CM received in the period (their own count on their screen)."""
    return next((c.count for c in premium_received_by_cm(session, first, last)
                 if c.staff_id == staff_id), 0)


# --- leads (referrals) by source -------------------------------------------------------------
def leads_by_day(session: Db, first: date, last: date) -> dict[date, Leads]:
    accepted = or_(
        handoff.c.status.in_(("accepted", "done")),
        lead.c.status.in_(("contacted", "converted")),
    )
    per: dict[date, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    for day, source, made, taken, converted in session.execute(
        select(
            lead.c.business_date, lead.c.source, func.count(lead.c.id),
            func.coalesce(func.sum(case((accepted, 1), else_=0)), 0),
            func.coalesce(func.sum(case((lead.c.status == LeadStatus.CONVERTED, 1), else_=0)), 0),
        )
        .select_from(lead)
        .outerjoin(handoff, handoff.c.id == lead.c.handoff_id)
        .where(on_days(lead.c.business_date, first, last))
        .group_by(lead.c.business_date, lead.c.source)
    ):
        per[day][source] = (int(made), int(taken), int(converted))

    def by(values: dict[str, tuple[int, int, int]], i: int) -> BySource:
        return BySource(*(values.get(s, (0, 0, 0))[i] for s in SOURCES))

    return {d: Leads(by(v, 0), by(v, 1), by(v, 2)) for d, v in sorted(per.items())}


def leads(session: Db, first: date, last: date | None = None) -> Leads:
    """Leads raised in the period by source: made, accepted, converted (as they stand now)."""
    total = Leads(BySource(), BySource(), BySource())
    for day in leads_by_day(session, first, last or first).values():
        total = Leads(total.made + day.made, total.accepted + day.accepted,
                      total.converted + day.converted)
    return total


# --- the other shared counts -----------------------------------------------------------------
def complaints_received(session: Db, first: date, last: date | None = None) -> int:
    return int(session.execute(
        select(func.count(complaint.c.id))
        .where(on_days(complaint.c.business_date, first, last or first))
    ).scalar_one())


def visits(session: Db, first: date, last: date | None = None) -> tuple[int, int]:
    """(visitors, diverted to self-service)."""
    total, diverted = session.execute(
        select(func.count(visit.c.id), func.coalesce(func.sum(case((visit.c.diverted, 1), else_=0)), 0))
        .where(on_days(visit.c.business_date, first, last or first))
    ).one()
    return int(total), int(diverted)


def tickets_issued(session: Db, first: date, last: date | None = None) -> int:
    return int(session.execute(
        select(func.count(ticket.c.id)).where(on_days(ticket.c.business_date, first, last or first))
    ).scalar_one())


def complaints_overdue(session: Db, day: date) -> int:
    """Complaints past their decision date at the end of `day`: received by then, the clock not
    stopped by a decision, withdrawal or merge by then, and not paused (external appraisal).
    Closing later (after the satisfaction follow-up) does not make a reply late."""
    return int(session.execute(
        select(func.count(complaint.c.id)).where(
            complaint.c.business_date <= day,
            complaint.c.due_date < day,
            or_(complaint.c.ended_on.is_(None), complaint.c.ended_on > day),
            or_(complaint.c.paused_since.is_(None), complaint.c.paused_since > day),
        )
    ).scalar_one())


