"""The KPI scorecard of a month (manual ch.7; manual digest §7.2 centre indicators, §7.3
individual indicators). Targets come from `[kpi]` in the configuration.

Centre indicators, from the records:
- average wait (issue → first call, all categories), longest wait, cash-counter average wait and
  cash-counter average transaction time (first start → last finish of finished tickets);
- the CMs' response to a premium arrival (hand-off created → accepted);
- appearance compliance: staff found fully compliant ÷ staff checked, summed over the head's
  completed daily appearance checks of the month (`[kpi] appearance_procedure`, its number steps
  `appearance_checked_step` and `appearance_compliant_step`);
- complaints solved at first contact (on the spot) among those received, and of the rest the share
  decided within `target_complaint_close_days` (complaints still inside that window are not
  counted yet; withdrawn and merged ones are left out);
- share of premium clients holding at least `products_threshold` different products (holdings not
  matured by the month's end; a snapshot of today's clients);
- new premium clients: tier changes into a premium tier during the month.

Figures the app cannot record — agency income, product-knowledge test results — are entered by
the head per month (ManualFigure) and shown with who entered them and when.

Individual indicators, per staff member and role family: tellers — leads referred and converted,
tickets served, average transaction time, product-test score; lobby — premium clients identified,
referrals made and converted, diversions to self-service; CMs — premium clients received,
contacts logged, new premium clients in their book, referrals converted, book size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, and_, case, distinct, func, or_, select

from wealthtui.config import Settings
from wealthtui.reports import figures
from wealthtui.reports.figures import premium_tiers
from wealthtui.reports.flow_log import merge_categories, ticket_flows
from wealthtui.reports.sql import Db, month_bounds, on_days, seconds_between
from wealthtui.rules import permissions
from wealthtui.rules.clock import day_bounds_utc
from wealthtui.rules.status import ChecklistStatus, LeadStatus, TicketStatus
from wealthtui.store.tables import (
    checklist_run,
    client,
    cm_assignment,
    complaint,
    contact_log,
    handoff,
    lead,
    manual_figure,
    product_holding,
    staff,
    staff_role,
    step_record,
    ticket,
    ticket_event,
    tier_change,
    visit,
)

# Figures entered by hand: code → (unit, per staff member?)
MANUAL: dict[str, tuple[str, bool]] = {
    "agency_income": ("yuan", False),
    "product_test_pass": ("pct", False),
    "product_test_score": ("points", True),
}

GROUPS: dict[str, frozenset[str]] = {
    "teller": permissions.TELLERS,
    "lobby": permissions.LOBBY,
    "cm": permissions.CMS,
}

GROUP_INDICATORS: dict[str, tuple[str, ...]] = {
    "teller": ("leads_referred", "leads_converted", "tickets_served", "avg_service_min",
               "product_test_score"),
    "lobby": ("premium_identified", "referrals_made", "referrals_converted", "diverted"),
    "cm": ("premium_received", "contacts_logged", "new_premium", "referrals_converted",
           "book_size"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    value: float | None
    unit: str                  # min | pct | count | yuan | points
    target: float | None       # None: no target set
    better: str                # lower | higher
    source: str = "records"    # records | manual
    detail: str = ""           # numerator/denominator, e.g. "12/15"
    entered_by: str = ""       # manual figures: "staff_no name"
    entered_at: datetime | None = None

    @property
    def status(self) -> str:
        """met | missed | no_data | no_target."""
        if self.value is None:
            return "no_data"
        if self.target is None:
            return "no_target"
        ok = self.value <= self.target if self.better == "lower" else self.value >= self.target
        return "met" if ok else "missed"


@dataclass(frozen=True)
class StaffScore:
    staff_no: str
    name: str
    group: str                 # teller | lobby | cm
    values: tuple[tuple[str, float | None], ...]

    def get(self, code: str) -> float | None:
        return dict(self.values).get(code)


@dataclass(frozen=True)
class KpiReport:
    month: str
    first: date
    last: date
    center: tuple[Indicator, ...]
    staff: tuple[StaffScore, ...]

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.center if i.code == code), None)


# --- formulas (pure) ------------------------------------------------------------------------
def pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def minutes(seconds: float | None) -> float | None:
    return seconds / 60.0 if seconds is not None else None


def complaint_in_time(received: date, ended: date | None, as_of: date, days: int) -> bool | None:
    """True: decided within `days`; False: decided later, or still open past `days`;
    None: still open and inside the window (not counted yet)."""
    if ended is not None:
        return (ended - received).days <= days
    if (as_of - received).days > days:
        return False
    return None


# --- centre indicators ----------------------------------------------------------------------
def _bounds(settings: Settings, first: date, last: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(settings.center.timezone)
    return day_bounds_utc(first, tz)[0], day_bounds_utc(last, tz)[1]


def cm_response_s(session: Db, first: date, last: date) -> tuple[float | None, int]:
    avg, n = session.execute(
        select(func.avg(seconds_between(handoff.c.created_at, handoff.c.accepted_at)),
               func.count(handoff.c.id))
        .where(on_days(handoff.c.business_date, first, last),
               handoff.c.kind == "premium_arrival",
               handoff.c.accepted_at.is_not(None))
    ).one()
    return (float(avg) if avg is not None else None), int(n)


def appearance(session: Db, settings: Settings, first: date, last: date) -> tuple[int, int]:
    """(staff compliant, staff checked) summed over the month's completed appearance checks.

    A step recorded twice counts with its newest value (the checklist engine keeps history)."""
    cfg = settings.kpi
    steps = (cfg.appearance_checked_step, cfg.appearance_compliant_step)
    newest = (
        select(func.max(step_record.c.id))
        .join(checklist_run, checklist_run.c.id == step_record.c.run_id)
        .where(on_days(checklist_run.c.business_date, first, last),
               checklist_run.c.procedure_id == cfg.appearance_procedure,
               checklist_run.c.status == ChecklistStatus.DONE,
               step_record.c.step_id.in_(steps))
        .group_by(step_record.c.run_id, step_record.c.step_id)
    )
    checked = compliant = 0
    for step_id, value in session.execute(
        select(step_record.c.step_id, step_record.c.value)
        .where(step_record.c.id.in_(newest))
    ):
        number = whole_number(value)
        if step_id == cfg.appearance_checked_step:
            checked += number
        else:
            compliant += number
    return min(compliant, checked), checked


def whole_number(text: str) -> int:
    try:
        return max(0, int(str(text).strip()))
    except ValueError:
        return 0


def complaint_figures(session: Db, settings: Settings, first: date, last: date,
                      as_of: date) -> tuple[int, int, int, int]:
    """(on the spot, received, decided in time, counted) for complaints received in the month.

    A complaint whose clock is paused (external appraisal) and not decided is not counted yet."""
    tz = ZoneInfo(settings.center.timezone)
    rows = session.execute(
        select(complaint.c.business_date, complaint.c.resolved_on_spot, complaint.c.ended_on,
               complaint.c.closed_at, complaint.c.paused_since)
        .where(on_days(complaint.c.business_date, first, last),
               complaint.c.status.not_in(("withdrawn", "merged")))
    ).all()
    days = settings.kpi.target_complaint_close_days
    on_spot = in_time = counted = 0
    for received, spot, ended_on, closed_at, paused in rows:
        if spot:
            on_spot += 1
            continue
        ended = ended_on or (closed_at.astimezone(tz).date() if closed_at else None)
        if ended is None and paused is not None:
            continue
        verdict = complaint_in_time(received, ended, as_of, days)
        if verdict is not None:
            counted += 1
            in_time += int(verdict)
    return on_spot, len(rows), in_time, counted


def premium_products(session: Db, settings: Settings, last: date) -> tuple[int, int]:
    """(premium clients holding ≥ threshold products, premium clients)."""
    tiers = premium_tiers(settings)
    # one pass over the premium clients (the tier index), each one's products counted on its
    # own live holdings (the holdings index): no GROUP BY over all their holdings
    live = product_holding.alias("h")
    products = (
        select(func.count(distinct(live.c.product_code)))
        .where(live.c.client_id == client.c.id,
               or_(live.c.maturity_date.is_(None), live.c.maturity_date >= last))
        .scalar_subquery()
    )
    held_case = case((products >= settings.kpi.products_threshold, 1), else_=0)
    total, held = session.execute(
        select(func.count(client.c.id), func.coalesce(func.sum(held_case), 0))
        .where(client.c.tier.in_(tiers))
    ).one()
    return int(held), int(total)


def _new_premium_where(settings: Settings, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    tiers = premium_tiers(settings)
    return and_(tier_change.c.at >= start, tier_change.c.at < end,
                tier_change.c.to_tier.in_(tiers),
                tier_change.c.from_tier.not_in(tiers))


def new_premium(session: Db, settings: Settings, first: date, last: date) -> int:
    start, end = _bounds(settings, first, last)
    return session.execute(
        select(func.count(distinct(tier_change.c.client_id)))
        .where(_new_premium_where(settings, start, end))
    ).scalar_one()


def manual_figures(session: Db, month: str) -> dict[tuple[str, int | None], tuple]:
    """(indicator, staff id) → (value, "staff_no name" of who entered it, when)."""
    rows = session.execute(
        select(manual_figure.c.indicator, manual_figure.c.staff_id, manual_figure.c.value, staff.c.staff_no,
               staff.c.name, manual_figure.c.entered_at)
        .join(staff, staff.c.id == manual_figure.c.entered_by)
        .where(manual_figure.c.month == month)
    ).all()
    return {(ind, sid): (val, f"{no} {name}", at) for ind, sid, val, no, name, at in rows}


def center(session: Db, settings: Settings, month: str, as_of: date,
           manual: dict[tuple[str, int | None], tuple]) -> tuple[Indicator, ...]:
    first, last = month_bounds(month)
    k = settings.kpi
    flows = ticket_flows(session, settings, first, last)
    everything = merge_categories("*", flows)
    cash_codes = {c.code for c in settings.queue.categories if c.zone == "cash"}
    cash = merge_categories("cash", [f for f in flows if f.category in cash_codes])
    response, responses = cm_response_s(session, first, last)
    ok_items, items = appearance(session, settings, first, last)
    on_spot, received, in_time, counted = complaint_figures(session, settings, first, last, as_of)
    held, premium = premium_products(session, settings, last)
    new = new_premium(session, settings, first, last)

    def entered(code: str, unit: str, target: float | None) -> Indicator:
        value, by, at = manual.get((code, None), (None, "", None))
        return Indicator(code, value, unit, target, "higher", source="manual", entered_by=by,
                         entered_at=at)

    def target(value: float) -> float | None:
        return value if value > 0 else None

    return (
        Indicator("avg_wait", minutes(everything.avg_wait_s), "min", k.target_avg_wait_minutes,
                  "lower", detail=str(everything.waits)),
        Indicator("max_wait", minutes(everything.max_wait_s), "min", k.target_max_wait_minutes,
                  "lower"),
        Indicator("cash_avg_wait", minutes(cash.avg_wait_s), "min", k.target_cash_wait_minutes,
                  "lower", detail=str(cash.waits)),
        Indicator("cash_service_time", minutes(cash.avg_service_s), "min",
                  k.target_avg_service_minutes, "lower", detail=str(cash.services)),
        Indicator("cm_response", minutes(response), "min", k.target_cm_response_minutes, "lower",
                  detail=str(responses)),
        Indicator("appearance", pct(ok_items, items), "pct", k.target_appearance_compliance_pct,
                  "higher", detail=f"{ok_items}/{items}"),
        entered("product_test_pass", "pct", target(k.target_product_test_pass_pct)),
        Indicator("first_contact_resolution", pct(on_spot, received), "pct",
                  k.target_first_contact_resolution_pct, "higher", detail=f"{on_spot}/{received}"),
        Indicator("complaints_in_time", pct(in_time, counted), "pct",
                  k.target_complaint_in_time_pct, "higher", detail=f"{in_time}/{counted}"),
        Indicator("premium_with_products", pct(held, premium), "pct",
                  k.target_premium_with_products_pct, "higher", detail=f"{held}/{premium}"),
        Indicator("new_premium", float(new), "count", target(k.target_new_premium_clients),
                  "higher"),
        entered("agency_income", "yuan", target(k.target_agency_income_yuan)),
    )


# --- individual indicators ------------------------------------------------------------------
def _by_staff(session: Db, query) -> dict[int, tuple]:  # type: ignore[no-untyped-def]
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def staff_scores(session: Db, settings: Settings, month: str,
                 manual: dict[tuple[str, int | None], tuple]) -> tuple[StaffScore, ...]:
    first, last = month_bounds(month)
    start, end = _bounds(settings, first, last)
    people = session.execute(
        select(staff.c.id, staff.c.staff_no, staff.c.name)
        .where(staff.c.active).order_by(staff.c.staff_no)
    ).all()
    held: dict[int, set[str]] = {}
    for sid, role in session.execute(select(staff_role.c.staff_id, staff_role.c.role)):
        held.setdefault(sid, set()).add(role)
    in_month = on_days(lead.c.business_date, first, last)
    converted = func.sum((lead.c.status == LeadStatus.CONVERTED).cast(Integer))
    leads = _by_staff(session, select(lead.c.spotted_by, func.count(lead.c.id), converted)
                      .where(in_month).group_by(lead.c.spotted_by))
    served = _by_staff(session, select(
        ticket.c.served_by, func.count(ticket.c.id),
    ).where(on_days(ticket.c.business_date, first, last), ticket.c.status == TicketStatus.DONE,
            ticket.c.served_by.is_not(None)).group_by(ticket.c.served_by))
    per_ticket = (
        select(ticket.c.served_by.label("s"), seconds_between(
            func.min(ticket_event.c.at).filter(ticket_event.c.kind == "started"),
            func.max(ticket_event.c.at).filter(ticket_event.c.kind == "finished")).label("t"))
        .join(ticket_event, ticket_event.c.ticket_id == ticket.c.id)
        .where(on_days(ticket.c.business_date, first, last), ticket.c.status == TicketStatus.DONE,
               ticket_event.c.kind.in_(("started", "finished")))
        .group_by(ticket_event.c.ticket_id, ticket.c.served_by)
        .subquery()
    )
    service = _by_staff(session, select(per_ticket.c.s, func.avg(per_ticket.c.t))
                        .group_by(per_ticket.c.s))
    identified = {sid: (n,) for sid, n in figures.premium_identified_by_staff(
        session, settings, first, last).items()}
    diverted = _by_staff(session, select(visit.c.identified_by, func.count(visit.c.id))
                         .where(on_days(visit.c.business_date, first, last), visit.c.diverted)
                         .group_by(visit.c.identified_by))
    received = {c.staff_id: (c.count,) for c in figures.premium_received_by_cm(
        session, first, last)}
    contacts = _by_staff(session, select(contact_log.c.staff_id, func.count(contact_log.c.id))
                         .where(contact_log.c.at >= start, contact_log.c.at < end)
                         .group_by(contact_log.c.staff_id))
    cm_converted = _by_staff(session, select(handoff.c.to_staff_id, func.count(lead.c.id))
                             .select_from(lead).join(handoff, handoff.c.id == lead.c.handoff_id)
                             .where(in_month, lead.c.status == LeadStatus.CONVERTED)
                             .group_by(handoff.c.to_staff_id))
    new = _by_staff(session, select(cm_assignment.c.cm_id, func.count(distinct(tier_change.c.client_id)))
                    .select_from(tier_change).join(cm_assignment, and_(cm_assignment.c.client_id == tier_change.c.client_id,
                                             cm_assignment.c.end_at.is_(None)))
                    .where(_new_premium_where(settings, start, end))
                    .group_by(cm_assignment.c.cm_id))
    # the books of the CMs shown, each counted on its own index range (not every active
    # assignment of the center)
    cms = [sid for sid, _no, _name in people if held.get(sid, set()) & GROUPS["cm"]]
    books = _by_staff(session, select(cm_assignment.c.cm_id, func.count(cm_assignment.c.id))
                      .where(cm_assignment.c.cm_id.in_(cms), cm_assignment.c.end_at.is_(None))
                      .group_by(cm_assignment.c.cm_id))

    def first_of(table: dict[int, tuple], sid: int, i: int = 0) -> float:
        return float(table.get(sid, (0,) * (i + 1))[i] or 0)

    out = []
    for group, roles in GROUPS.items():
        for sid, no, name in people:
            if not held.get(sid, set()) & roles:
                continue
            values: dict[str, float | None]
            if group == "teller":
                avg = service.get(sid, (None,))[0]
                values = {
                    "leads_referred": first_of(leads, sid), "leads_converted": first_of(leads, sid, 1),
                    "tickets_served": first_of(served, sid),
                    "avg_service_min": minutes(float(avg)) if avg is not None else None,
                    "product_test_score": manual.get(("product_test_score", sid), (None,))[0],
                }
            elif group == "lobby":
                values = {
                    "premium_identified": first_of(identified, sid),
                    "referrals_made": first_of(leads, sid),
                    "referrals_converted": first_of(leads, sid, 1),
                    "diverted": first_of(diverted, sid),
                }
            else:
                values = {
                    "premium_received": first_of(received, sid),
                    "contacts_logged": first_of(contacts, sid),
                    "new_premium": first_of(new, sid),
                    "referrals_converted": first_of(cm_converted, sid),
                    "book_size": first_of(books, sid),
                }
            out.append(StaffScore(no, name, group, tuple(values.items())))
    return tuple(out)


def kpi_report(session: Db, settings: Settings, month: str, *, today: date) -> KpiReport:
    first, last = month_bounds(month)
    manual = manual_figures(session, month)
    as_of = min(today, last)
    return KpiReport(
        month=month, first=first, last=last,
        center=center(session, settings, month, as_of, manual),
        staff=staff_scores(session, settings, month, manual),
    )
