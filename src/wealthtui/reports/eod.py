"""The end-of-day summary of a business day, and the month view that aggregates the days.

Manual digest §6.1 (the head's end of day: review the lobby manager's flow record, check the
complaint log, confirm the outlet's balancing by the supervisor) and §6.5 (tellers' balancing with
the five matches). Read-only SQL over the model; every section is one or two aggregate queries
over indexed business-date columns, so a busy day over a long history stays cheap.

Sections of a day:
- the flow log (reports.flow_log);
- tellers: everyone who worked a counter that day (a counter session, a service record or a
  balance row), with their balance: status, expected and counted cash, difference, whether the
  five matches hold (balanced = all five and no difference) and who signed it off;
- authorisations requested that day, per status;
- hand-offs of the day still open (open or accepted), and how many are past their due time;
- complaints received, closed that day, and overdue at the end of the day (received, not closed,
  decision date passed, clock not paused);
- checklists: runs done that day; missed = scheduled daily procedures (start or end of day) of
  subject `day` with no completed run, and runs of the day left unfinished;
- exceptions (a snapshot, as of now): clients entitled to an exclusive CM without one (a premium
  tier or an open wealth-account card, reports.entitlement — the staff tab's count), CM changes
  whose first contact is overdue, CMs above or below their portfolio range (the staff tab's);
  and what the head wrote when closing the day.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, func, select, union

from wealthtui.config import Settings
from wealthtui.reports import chain_head, cm_changes, entitlement, figures
from wealthtui.reports.compliance import ComplianceFigures
from wealthtui.reports.compliance import figures_in as compliance_figures
from wealthtui.reports.flow_log import FlowLog, flow_log
from wealthtui.reports.sql import Db, days, month_bounds, on_days, seconds_between
from wealthtui.rules.clock import day_bounds_utc
from wealthtui.rules.handoff_state import is_overdue
from wealthtui.rules.status import BalanceStatus, ChecklistStatus, DayStatus, TicketStatus
from wealthtui.store.tables import (
    authorization_request,
    business_day,
    checklist_run,
    complaint,
    counter_session,
    handoff,
    service_record,
    staff,
    teller_balance,
    ticket,
    ticket_event,
    visit,
)

if TYPE_CHECKING:  # the operator's `eod` passes an outline (reports.procedure_outline), the
    # services the validated catalog: both read the same way, neither imported here
    from wealthtui.procedures import Catalog
    from wealthtui.reports.procedure_outline import Outline

    Procedures = Catalog | Outline

AUTHZ_STATUSES = ("pending", "approved", "rejected", "cancelled")
OPEN_HANDOFF = ("open", "accepted")
ENDED_COMPLAINT = ("closed", "withdrawn", "merged")
DAILY_SCHEDULES = ("start_of_day", "end_of_day")


@dataclass(frozen=True)
class TellerDay:
    staff_no: str
    name: str
    status: str                 # missing | draft | submitted | signed_off
    expected_cash_fen: int
    counted_cash_fen: int
    difference_fen: int
    matches: int                # how many of the five matches hold (0–5)
    balanced: bool
    signed_off_by: str          # staff number of the supervisor, "" when not signed off
    signed_off_name: str = ""


@dataclass(frozen=True)
class Authorisations:
    requested: int
    approved: int
    rejected: int
    pending: int
    cancelled: int


@dataclass(frozen=True)
class OpenHandoff:
    id: int
    kind: str
    from_name: str
    to_name: str                # the person, or "" when addressed to a role
    to_role: str
    created_at: datetime
    due_at: datetime | None
    overdue: bool


@dataclass(frozen=True)
class Complaints:
    received: int
    closed: int
    overdue: int


@dataclass(frozen=True)
class Checklists:
    done: int
    missed: int
    missed_ids: tuple[str, ...] = ()   # procedure ids (repeated for several runs)


@dataclass(frozen=True)
class Exceptions:
    #: clients entitled to an exclusive CM without one — a premium tier or an open card of
    #: [ownership] exclusive_cm_products (reports.entitlement, as the head's staff tab counts)
    entitled_without_cm: int
    cm_change_overdue: int
    cm_over_range: int
    cm_under_range: int
    explained: dict[str, str] = field(default_factory=dict)  # what the head wrote at close
    #: the routine's name (Chinese, English) of each explained checklist (`checklist:<id>`)
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return (self.entitled_without_cm + self.cm_change_overdue + self.cm_over_range
                + self.cm_under_range)


@dataclass(frozen=True)
class DayReport:
    date: date
    closed: bool
    closed_by: str
    closed_at: datetime | None
    flow_log: FlowLog
    tellers: tuple[TellerDay, ...]
    authorisations: Authorisations
    handoffs_open: tuple[OpenHandoff, ...]
    complaints: Complaints
    checklists: Checklists
    exceptions: Exceptions
    audit_head: tuple[int, str] = chain_head.NONE  # the audit chain's head when it was made
    compliance: ComplianceFigures | None = None  # issue 17: sales checked at the point of sale

    @property
    def handoffs_overdue(self) -> int:
        return sum(1 for h in self.handoffs_open if h.overdue)


@dataclass(frozen=True)
class DayRow:
    """One line of the month view."""

    date: date
    closed: bool
    visitors: int
    tickets: int
    served: int
    avg_wait_s: float | None
    premium_received: int
    premium_identified: int
    complaints: int
    referrals: int
    tellers: int
    tellers_signed_off: int


@dataclass(frozen=True)
class TellerMonth:
    staff_no: str
    name: str
    days: int
    signed_off_days: int
    balanced_days: int
    difference_fen: int          # sum of the days' differences


@dataclass(frozen=True)
class MonthReport:
    month: str
    first: date
    last: date
    days: tuple[DayRow, ...]
    flow_log: FlowLog
    tellers: tuple[TellerMonth, ...]
    authorisations: Authorisations
    complaints: Complaints       # received and closed in the month; overdue at its end
    checklists: Checklists
    days_closed: int
    audit_head: tuple[int, str] = chain_head.NONE  # the audit chain's head when it was made
    compliance: ComplianceFigures | None = None  # issue 17


# --- sections --------------------------------------------------------------------------------
def _worked(first: date, last: date):  # type: ignore[no-untyped-def]
    """(business_date, staff_id) of everyone who worked a counter in the period."""
    return union(
        select(counter_session.c.business_date.label("d"), counter_session.c.staff_id.label("s"))
        .where(on_days(counter_session.c.business_date, first, last)),
        select(service_record.c.business_date.label("d"), service_record.c.staff_id.label("s"))
        .where(on_days(service_record.c.business_date, first, last)),
        select(teller_balance.c.business_date.label("d"), teller_balance.c.teller_id.label("s"))
        .where(on_days(teller_balance.c.business_date, first, last)),
    ).subquery()


MATCHES = ("match_accounts", "match_physical", "match_vouchers", "match_cash", "match_receipts")


def tellers(session: Db, day: date) -> tuple[TellerDay, ...]:
    worked = _worked(day, day)
    signer = staff.alias()
    rows = session.execute(
        select(staff.c.staff_no, staff.c.name, signer.c.staff_no, signer.c.name,
               teller_balance.c.id, teller_balance.c.status, teller_balance.c.expected_cash_fen,
               teller_balance.c.counted_cash_fen, teller_balance.c.difference_fen,
               *(teller_balance.c[m] for m in MATCHES))
        .select_from(worked)
        .join(staff, staff.c.id == worked.c.s)
        .outerjoin(teller_balance, and_(teller_balance.c.teller_id == worked.c.s,
                                       teller_balance.c.business_date == worked.c.d))
        .outerjoin(signer, signer.c.id == teller_balance.c.signed_off_by)
        .order_by(staff.c.staff_no)
    ).all()
    out = []
    for no, name, signer_no, signer_name, bal_id, status, expected, counted, diff, *held in rows:
        if bal_id is None:
            out.append(TellerDay(no, name, "missing", 0, 0, 0, 0, False, ""))
            continue
        matches = sum(bool(m) for m in held)
        out.append(TellerDay(
            staff_no=no, name=name, status=status, expected_cash_fen=expected,
            counted_cash_fen=counted, difference_fen=diff,
            matches=matches, balanced=matches == 5 and diff == 0,
            signed_off_by=signer_no or "", signed_off_name=signer_name or "",
        ))
    return tuple(out)


def tellers_month(session: Db, first: date, last: date) -> tuple[TellerMonth, ...]:
    worked = _worked(first, last)
    all_match = and_(*(teller_balance.c[m].is_(True) for m in MATCHES))
    signed = func.sum((teller_balance.c.status == BalanceStatus.SIGNED_OFF).cast(Integer))
    balanced = func.sum(and_(all_match, teller_balance.c.difference_fen == 0).cast(Integer))
    rows = session.execute(
        select(staff.c.staff_no, staff.c.name, func.count(worked.c.d), signed, balanced,
               func.coalesce(func.sum(teller_balance.c.difference_fen), 0))
        .select_from(worked)
        .join(staff, staff.c.id == worked.c.s)
        .outerjoin(teller_balance, and_(teller_balance.c.teller_id == worked.c.s,
                                       teller_balance.c.business_date == worked.c.d))
        .group_by(staff.c.staff_no, staff.c.name)
        .order_by(staff.c.staff_no)
    ).all()
    return tuple(TellerMonth(no, name, int(n), int(s or 0), int(b or 0), int(d))
                 for no, name, n, s, b, d in rows)


def authorisations(session: Db, first: date, last: date) -> Authorisations:
    counts = dict(session.execute(
        select(authorization_request.c.status, func.count(authorization_request.c.id))
        .where(authorization_request.c.status.in_(AUTHZ_STATUSES),
               on_days(authorization_request.c.business_date, first, last))
        .group_by(authorization_request.c.status)
    ).all())
    return Authorisations(
        requested=sum(counts.values()), approved=counts.get("approved", 0),
        rejected=counts.get("rejected", 0), pending=counts.get("pending", 0),
        cancelled=counts.get("cancelled", 0),
    )


def open_handoffs(session: Db, day: date, now: datetime,
                  complete_within_minutes: int = 0) -> tuple[OpenHandoff, ...]:
    """The day's hand-offs still open or in progress; overdue as model.handoff.is_overdue
    (an accepted one is in progress, not overdue, unless a completion time is configured)."""
    sender, receiver = staff.alias(), staff.alias()
    rows = session.execute(
        select(handoff.c.id, handoff.c.kind, sender.c.name, receiver.c.name, handoff.c.to_role,
               handoff.c.created_at, handoff.c.due_at, handoff.c.status, handoff.c.accepted_at)
        .join(sender, sender.c.id == handoff.c.from_staff_id)
        .outerjoin(receiver, receiver.c.id == handoff.c.to_staff_id)
        .where(handoff.c.business_date == day,
               handoff.c.status.in_(OPEN_HANDOFF))
        .order_by(handoff.c.created_at, handoff.c.id)
    ).all()
    return tuple(
        OpenHandoff(hid, kind, from_name, to_name or "", to_role or "", created, due,
                    is_overdue(status, due, accepted, now, complete_within_minutes))
        for hid, kind, from_name, to_name, to_role, created, due, status, accepted in rows
    )


def complaints(session: Db, first: date, last: date, tz: ZoneInfo) -> Complaints:
    start, _ = day_bounds_utc(first, tz)
    _, end = day_bounds_utc(last, tz)
    received = figures.complaints_received(session, first, last)
    closed = session.execute(
        select(func.count(complaint.c.id))
        .where(complaint.c.closed_at >= start, complaint.c.closed_at < end)
    ).scalar_one()
    overdue = figures.complaints_overdue(session, last)
    return Complaints(int(received), int(closed), int(overdue))


def daily_procedures(catalog: Procedures | None, exempt: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Procedures completed once every business day by whoever holds them (subject `day`)."""
    if catalog is None:
        return ()
    return tuple(p.id for p in catalog
                 if p.schedule in DAILY_SCHEDULES and p.subject == "day" and p.id not in exempt)


def checklists(session: Db, catalog: Procedures | None, business_days: list[date],
               exempt: tuple[str, ...] = ()) -> Checklists:
    """Runs done on the days; missed: each daily `day` procedure without a completed run on a
    day, and each run of another scheduled daily procedure (per teller, per staff member)
    started on a day and left unfinished."""
    if not business_days:
        return Checklists(0, 0)
    first, last = min(business_days), max(business_days)
    in_range = on_days(checklist_run.c.business_date, first, last)
    done_rows = session.execute(
        select(checklist_run.c.business_date, checklist_run.c.procedure_id, func.count(checklist_run.c.id))
        .where(in_range, checklist_run.c.status == ChecklistStatus.DONE)
        .group_by(checklist_run.c.business_date, checklist_run.c.procedure_id)
    ).all()
    done_on = {(d, p) for d, p, _ in done_rows}
    done = sum(n for _, _, n in done_rows)
    daily = daily_procedures(catalog, exempt)
    missed: list[str] = []
    for day in sorted(set(business_days)):
        missed += [p for p in daily if (day, p) not in done_on]
    scheduled = tuple(p.id for p in catalog or ()
                      if p.schedule in DAILY_SCHEDULES and p.subject != "day"
                      and p.id not in exempt)
    if scheduled:
        missed += list(session.execute(
            select(checklist_run.c.procedure_id)
            .where(in_range, checklist_run.c.status == ChecklistStatus.OPEN,
                   checklist_run.c.business_date.in_(business_days),
                   checklist_run.c.procedure_id.in_(scheduled))
            .order_by(checklist_run.c.business_date, checklist_run.c.id)
        ).scalars())
    return Checklists(done, len(missed), tuple(missed))


def exceptions(session: Db, settings: Settings, now: datetime, explained: dict[str, str]
               ) -> Exceptions:
    without = entitlement.without_cm_count(session, settings)
    overdue = cm_changes.overdue_count(session, settings, now)
    ranges = Counter(b.state for b in entitlement.books_out_of_range(session, settings))
    over, under = ranges["above"], ranges["below"]
    return Exceptions(int(without), int(overdue), int(over), int(under), explained)


class DayRecord(NamedTuple):
    """What the summary shows of the business_day row."""

    status: str
    closed_at: datetime | None
    close_note: str


def _business_day(session: Db, day: date) -> tuple[DayRecord | None, str]:
    row = session.execute(
        select(business_day.c.status, business_day.c.closed_at, business_day.c.close_note,
               staff.c.staff_no, staff.c.name)
        .outerjoin(staff, staff.c.id == business_day.c.closed_by)
        .where(business_day.c.business_date == day)
    ).first()
    if row is None:
        return None, ""
    status, closed_at, note, no, name = row
    return DayRecord(status, closed_at, note), f"{no} {name}" if no else ""


def explanations(bd: DayRecord | Any | None) -> dict[str, str]:
    """What the head wrote for each exception when closing (business_day.close_note, JSON; `bd`
    anything with a `close_note`: the row read here, or the services' BusinessDay)."""
    if bd is None or not bd.close_note:
        return {}
    try:
        data = json.loads(bd.close_note)
    except ValueError:
        return {"note": bd.close_note}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def explained_titles(explained: dict[str, str], catalog: Procedures | None
                     ) -> dict[str, tuple[str, str]]:
    """The name (Chinese, English) of the routine behind each explained `checklist:<id>` key, so
    the summary names the routine rather than its key (issue 19)."""
    out: dict[str, tuple[str, str]] = {}
    for key in explained:
        kind, _, ref = key.partition(":")
        proc = catalog.get(ref) if kind == "checklist" and catalog is not None else None
        if proc is not None:
            out[key] = (proc.title, proc.title_en)
    return out


# --- the reports ----------------------------------------------------------------------------
def day_report(session: Db, settings: Settings, day: date, *, now: datetime,
               catalog: Procedures | None = None) -> DayReport:
    tz = ZoneInfo(settings.center.timezone)
    bd, closed_by = _business_day(session, day)
    _, day_end = day_bounds_utc(day, tz)
    return DayReport(
        date=day,
        closed=bd is not None and bd.status == "closed",
        closed_by=closed_by,
        closed_at=bd.closed_at if bd else None,
        flow_log=flow_log(session, settings, day),
        tellers=tellers(session, day),
        authorisations=authorisations(session, day, day),
        handoffs_open=open_handoffs(session, day, now, settings.handoffs.complete_within_minutes),
        complaints=complaints(session, day, day, tz),
        checklists=checklists(session, catalog, [day], tuple(settings.head.close_exempt_procedures)),
        exceptions=_named(exceptions(session, settings, now, explanations(bd)), catalog),
        audit_head=chain_head.read(session),
        compliance=compliance_figures(session, settings, day, day),
    )


def _named(e: Exceptions, catalog: Procedures | None) -> Exceptions:
    return replace(e, titles=explained_titles(e.explained, catalog))


def day_rows(session: Db, settings: Settings, first: date, last: date) -> tuple[DayRow, ...]:
    """The key figures per day of the period, each one GROUP BY business_date query."""
    def per_day(query) -> dict[date, tuple]:  # type: ignore[no-untyped-def]
        return {row[0]: tuple(row[1:]) for row in session.execute(query)}

    visitors = per_day(select(visit.c.business_date, func.count(visit.c.id))
                       .where(on_days(visit.c.business_date, first, last))
                       .group_by(visit.c.business_date))
    tickets = per_day(select(ticket.c.business_date, func.count(ticket.c.id),
                             func.sum((ticket.c.status == TicketStatus.DONE).cast(Integer)))
                      .where(on_days(ticket.c.business_date, first, last))
                      .group_by(ticket.c.business_date))
    first_call = (
        select(ticket.c.business_date.label("d"),
               seconds_between(ticket.c.issued_at, func.min(ticket_event.c.at)).label("w"))
        .join(ticket_event, ticket_event.c.ticket_id == ticket.c.id)
        .where(on_days(ticket.c.business_date, first, last),
               ticket_event.c.kind == "called")
        .group_by(ticket_event.c.ticket_id, ticket.c.business_date, ticket.c.issued_at)
        .subquery()
    )
    waits = per_day(select(first_call.c.d, func.avg(first_call.c.w)).group_by(first_call.c.d))
    received = figures.premium_received_by_day(session, first, last)
    identified = figures.premium_identified_by_day(session, settings, first, last)
    leads = figures.leads_by_day(session, first, last)
    complaints_in = per_day(
        select(complaint.c.business_date, func.count(complaint.c.id))
        .where(on_days(complaint.c.business_date, first, last))
        .group_by(complaint.c.business_date))
    worked = _worked(first, last)
    teller_days = per_day(
        select(worked.c.d, func.count(worked.c.s),
               func.sum((teller_balance.c.status == BalanceStatus.SIGNED_OFF).cast(Integer)))
        .select_from(worked)
        .outerjoin(teller_balance, and_(teller_balance.c.teller_id == worked.c.s,
                                       teller_balance.c.business_date == worked.c.d))
        .group_by(worked.c.d))
    closed = {d for (d,) in session.execute(
        select(business_day.c.business_date)
        .where(on_days(business_day.c.business_date, first, last),
               business_day.c.status == DayStatus.CLOSED))}
    active = (set(visitors) | set(tickets) | set(received) | set(identified) | set(leads)
              | set(complaints_in)
              | set(teller_days) | closed)
    rows = []
    for d in days(first, last):
        if d not in active:
            continue
        n_tickets, served = tickets.get(d, (0, 0))
        day_leads = leads.get(d)
        day_identified = identified.get(d)
        n_tellers, signed = teller_days.get(d, (0, 0))
        avg = waits.get(d, (None,))[0]
        rows.append(DayRow(
            date=d, closed=d in closed, visitors=visitors.get(d, (0,))[0],
            tickets=int(n_tickets), served=int(served or 0),
            avg_wait_s=float(avg) if avg is not None else None,
            premium_received=received.get(d, 0),
            premium_identified=day_identified.total if day_identified else 0,
            complaints=complaints_in.get(d, (0,))[0],
            referrals=day_leads.made.total if day_leads else 0,
            tellers=int(n_tellers), tellers_signed_off=int(signed or 0),
        ))
    return tuple(rows)


def month_report(session: Db, settings: Settings, month: str, *,
                 catalog: Procedures | None = None) -> MonthReport:
    first, last = month_bounds(month)
    tz = ZoneInfo(settings.center.timezone)
    rows = day_rows(session, settings, first, last)
    return MonthReport(
        month=month, first=first, last=last, days=rows,
        flow_log=flow_log(session, settings, first, last),
        tellers=tellers_month(session, first, last),
        authorisations=authorisations(session, first, last),
        complaints=complaints(session, first, last, tz),
        checklists=checklists(session, catalog, [r.date for r in rows],
                              tuple(settings.head.close_exempt_procedures)),
        days_closed=sum(1 for r in rows if r.closed),
        audit_head=chain_head.read(session),
        compliance=compliance_figures(session, settings, first, last),
    )

