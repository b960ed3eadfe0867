"""Live figures for the head's dashboard (manual digest §6.1: the head walks the floor, adjusts
open counters by traffic, handles escalations and complaints).

One read transaction of cheap queries over today's rows (each on an indexed column):
waiting and longest wait per category and the counters open and serving (the queue's own
snapshot), premium clients in the lobby with their CM's response, hand-offs past due,
authorisations pending, complaints near or past their decision date, scheduled checklists past
their due time, and arrivals per hour today against the average of the same weekday over the last
`[head] arrivals_history_weeks` weeks (visits, plus tickets issued without a visit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from wealthtui.model import (
    AuthorizationRequest,
    ChecklistRun,
    Client,
    Complaint,
    Handoff,
    Staff,
    Ticket,
    Visit,
)
from wealthtui.model.handoff import overdue_clause
from wealthtui.model.status import AuthorizationStatus, ChecklistStatus
from wealthtui.reports import entitlement, figures
from wealthtui.reports.sql import utc_hour
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.day import catalog_or_none
from wealthtui.services.queue import CategoryLoad, CounterState, QueueService

ENDED_COMPLAINT = ("closed", "withdrawn", "merged")
OPEN_HANDOFF = ("open", "accepted")
DAILY = ("start_of_day", "end_of_day")
RECENT_DAYS = 30  # hand-offs older than this are left to the end-of-day lists (keeps it cheap)


@dataclass(frozen=True)
class PremiumInLobby:
    handoff_id: int
    client_name: str
    tier: str
    cm_name: str            # "" while addressed to a role
    status: str             # open (waiting for the CM) | accepted (the CM has them)
    waited_s: float         # open: so far; accepted: the CM's response time
    late: bool              # not accepted after `handoffs.arrival_late_minutes`


@dataclass(frozen=True)
class OverdueChecklist:
    procedure_id: str
    title: str
    title_en: str
    due: str                # HH:MM, or the business date of a run left open


@dataclass(frozen=True)
class DashboardView:
    at: datetime
    business_date: date
    categories: tuple[CategoryLoad, ...]
    counters: tuple[CounterState, ...]
    premium_in_lobby: tuple[PremiumInLobby, ...]
    handoffs_overdue: int
    authorisations_pending: int
    complaints_near: int    # decision date within `complaints.warn_days`
    complaints_past: int    # decision date passed (reports.figures.complaints_overdue)
    checklists_overdue: tuple[OverdueChecklist, ...]
    arrivals_today: tuple[int, ...]       # 24 local hours
    arrivals_typical: tuple[float, ...]   # 24 local hours, average of the same weekday
    history_days: int                      # how many same-weekday days the average covers

    @property
    def waiting_total(self) -> int:
        return sum(c.waiting for c in self.categories)

    @property
    def counters_open(self) -> int:
        return sum(1 for c in self.counters if c.state != "closed")

    @property
    def counters_serving(self) -> int:
        return sum(1 for c in self.counters if c.ticket_no)


def arrivals_by_hour(uow: UnitOfWork, days: list[date]) -> dict[date, list[int]]:
    """Arrivals per local hour for each day: visits, plus tickets issued without a visit."""
    tz = ZoneInfo(uow.settings.center.timezone)
    out = {d: [0] * 24 for d in days}
    if not days:
        return out
    queries = (
        select(Visit.business_date, utc_hour(Visit.arrived_at), func.count(Visit.id))
        .where(Visit.business_date.in_(days))  # type: ignore[attr-defined]
        .group_by(Visit.business_date, utc_hour(Visit.arrived_at)),
        select(Ticket.business_date, utc_hour(Ticket.issued_at), func.count(Ticket.id))
        .where(Ticket.business_date.in_(days), Ticket.visit_id.is_(None))  # type: ignore[attr-defined,union-attr]
        .group_by(Ticket.business_date, utc_hour(Ticket.issued_at)),
    )
    for query in queries:
        for day, hour, n in uow.session.execute(query):
            if hour is None:
                continue
            # the offset of the day at noon (whole hours for the zones a center uses)
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=tz)
            offset = noon.utcoffset() or timedelta(0)
            local = (int(hour) + int(offset.total_seconds() // 3600)) % 24
            out[day][local] += int(n)
    return out


class DashboardService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService,
                 queue: QueueService) -> None:
        super().__init__(ctx)
        self._checklists = checklists
        self._queue = queue

    def _premium(self, uow: UnitOfWork) -> tuple[PremiumInLobby, ...]:
        cm = aliased(Staff)
        late_after = timedelta(minutes=uow.settings.handoffs.arrival_late_minutes)
        rows = uow.session.execute(
            select(Handoff.id, Client.name, Client.tier, cm.name, Handoff.status,
                   Handoff.created_at, Handoff.accepted_at)
            .outerjoin(Client, Client.id == Handoff.client_id)
            .outerjoin(cm, cm.id == Handoff.to_staff_id)
            .where(Handoff.business_date == uow.today, Handoff.kind == "premium_arrival",
                   Handoff.status.in_(OPEN_HANDOFF))  # type: ignore[attr-defined]
            .order_by(Handoff.created_at)
        ).all()
        out = []
        for hid, client, tier, cm_name, status, created, accepted in rows:
            end = accepted if (status == "accepted" and accepted) else uow.now
            waited = max(0.0, (end - created).total_seconds())
            out.append(PremiumInLobby(hid, client or "", tier or "", cm_name or "", status,
                                      waited, status == "open" and uow.now - created > late_after))
        return tuple(out)

    def _overdue_checklists(self, uow: UnitOfWork) -> tuple[OverdueChecklist, ...]:
        tz = ZoneInfo(uow.settings.center.timezone)
        now_local = uow.now.astimezone(tz).time()
        catalog = catalog_or_none(self._checklists)
        out: list[OverdueChecklist] = []
        if catalog is not None:
            done = set(uow.session.execute(  # the procedures done today, not every run
                select(ChecklistRun.procedure_id).distinct()
                .where(ChecklistRun.business_date == uow.today, ChecklistRun.status == ChecklistStatus.DONE)
            ).scalars())
            for p in catalog:
                if (p.schedule in DAILY and p.subject == "day" and p.due is not None
                        and p.due < now_local and p.id not in done):
                    out.append(OverdueChecklist(p.id, p.title, p.title_en, p.due.strftime("%H:%M")))
        stale = uow.session.execute(
            select(ChecklistRun.procedure_id, ChecklistRun.business_date)
            .where(ChecklistRun.business_date < uow.today,
                   ChecklistRun.business_date >= uow.today - timedelta(days=7),
                   ChecklistRun.status == ChecklistStatus.OPEN)
            .order_by(ChecklistRun.business_date)
        ).all()
        for pid, day in stale:
            proc = catalog.get(pid) if catalog else None
            out.append(OverdueChecklist(pid, proc.title if proc else pid,
                                        proc.title_en if proc else pid, day.isoformat()))
        return tuple(out)

    @requires("client.assign_cm", write=False)
    def book_sizes(self, uow: UnitOfWork) -> dict[int, int]:
        """Clients held (active exclusive assignments) per staff id: reports.entitlement's
        book_sizes, the one count the staff tab and the end-of-day ranges read."""
        return entitlement.book_sizes(uow.session)

    @requires("dashboard.view", write=False)
    def snapshot(self, uow: UnitOfWork) -> DashboardView:
        queue = self._queue.snapshot_in(uow, 0)
        overdue = uow.session.execute(
            select(func.count(Handoff.id))
            .where(Handoff.business_date >= uow.today - timedelta(days=RECENT_DAYS),
                   overdue_clause(uow.now, uow.settings.handoffs.complete_within_minutes))
        ).scalar_one()
        pending = uow.session.execute(
            select(func.count(AuthorizationRequest.id))
            .where(AuthorizationRequest.status == AuthorizationStatus.PENDING)
        ).scalar_one()
        warn = uow.today + timedelta(days=uow.settings.complaints.warn_days)
        live = (Complaint.status.not_in(ENDED_COMPLAINT),  # type: ignore[attr-defined]
                Complaint.paused_since.is_(None))  # type: ignore[union-attr]
        past = figures.complaints_overdue(uow.session, uow.today)
        near = uow.session.execute(
            select(func.count(Complaint.id))
            .where(*live, Complaint.due_date >= uow.today, Complaint.due_date <= warn)
        ).scalar_one()
        weeks = uow.settings.head.arrivals_history_weeks
        history = [uow.today - timedelta(weeks=w) for w in range(1, weeks + 1)]
        counts = arrivals_by_hour(uow, [uow.today, *history])
        had = [d for d in history if sum(counts[d])]
        typical = tuple(
            sum(counts[d][h] for d in had) / len(had) if had else 0.0 for h in range(24)
        )
        return DashboardView(
            at=uow.now, business_date=uow.today, categories=queue.categories,
            counters=queue.counters, premium_in_lobby=self._premium(uow),
            handoffs_overdue=int(overdue), authorisations_pending=int(pending),
            complaints_near=int(near), complaints_past=int(past),
            checklists_overdue=self._overdue_checklists(uow),
            arrivals_today=tuple(counts[uow.today]), arrivals_typical=typical,
            history_days=len(had),
        )
