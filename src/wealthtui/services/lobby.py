"""The lobby manager's work (大堂): visits, identification, routing, diversion to self-service,
premium arrivals handed to the client's CM, potential-premium leads, and the day's flow counts.

Manual ch.2 §2.7 (lobby manager duties: 3 divert and guide, 4 identify premium clients and hand
them to their CM, 8 keep the daily business-flow record); manual digest §2.4 (routing table),
§3.3 (potential premium signals), §4.1 (identification steps 1–7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from wealthtui.citations import service_section
from wealthtui.model import (
    ChecklistRun,
    Client,
    CMAssignment,
    Handoff,
    Lead,
    Staff,
    StepRecord,
    Ticket,
    Visit,
)
from wealthtui.model.status import ChecklistStatus, HandoffStatus
from wealthtui.reports import figures
from wealthtui.rules import permissions
from wealthtui.rules import routing as routing_rules
from wealthtui.rules.fields import FieldError, parse_mobile, parse_name, parse_text
from wealthtui.services import changes, roster
from wealthtui.services.assignments import lead_owner
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.errors import Conflict, NotFound
from wealthtui.services.handoffs import OPEN, HandoffService
from wealthtui.services.queue import QueueService, QueueSnapshot

SECTION = service_section("lobby.SECTION")           # the lobby manager's duties
SECTION_ARRIVAL = service_section("lobby.SECTION_ARRIVAL")   # item 4: premium clients get priority and their CM
SECTION_LEAD = service_section("lobby.SECTION_LEAD")      # item 4: guide likely premium clients to CMs (digest §3.3)
ARRIVAL, LEAD_KIND = "premium_arrival", "lead"
#: the identification checklist that runs beside the look-up (data/procedures/)
IDENTIFICATION = "lobby_identification"
#: business kinds → the checklist's "business" choices
CHECKLIST_BUSINESS = {"cash": "cash", "non_cash": "non_cash", "wealth": "wealth",
                      "self_service": "simple", "consult": "consult"}


# --- views ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArrivalView:
    """A premium client's arrival as the lobby follows it: to whom, accepted or not, how long."""

    handoff_id: int
    business_date: date
    visit_id: int | None
    client_id: int | None
    client_name: str
    client_tier: str
    to_staff_id: int | None
    to_name: str
    to_role: str | None
    status: str
    created_at: datetime
    accepted_at: datetime | None
    ticket_no: str

    def waited_seconds(self, now: datetime) -> float:
        """How long it waited for the CM: until accepted, or until now while open."""
        end = self.accepted_at or (now if self.status == "open" else self.created_at)
        return max(0.0, (end - self.created_at).total_seconds())


@dataclass(frozen=True)
class ArrivalBoard:
    """A read of the lobby's arrivals list (LobbyService.arrivals_board)."""

    business_date: date
    waiting: int                      # today's arrivals still waiting for their CM, all of them
    rows: tuple[ArrivalView, ...]     # newest first: the latest N, the open ones kept


@dataclass(frozen=True)
class VisitView:
    id: int
    business_date: date
    arrived_at: datetime
    client_id: int | None
    client_name: str
    tier_at_arrival: str
    premium: bool
    identified_by: int | None
    business_kind: str
    zone: str
    diverted: bool
    note: str
    ticket_id: int | None
    ticket_no: str
    arrival: ArrivalView | None
    checklist_run_id: int | None = None


@dataclass(frozen=True)
class VisitBoard:
    """A read of the lobby's visits list (LobbyService.visits_board)."""

    business_date: date
    marker: int                       # the change marker the rows are current to
    total: int                        # today's visits, all of them
    rows: tuple[VisitView, ...]       # newest first: the latest N, or only the changed ones
    complete: bool                    # True: rows are the whole list; False: only changes


def merge_visits(shown: Sequence[VisitView], board: VisitBoard, limit: int
                 ) -> tuple[VisitView, ...]:
    """The visits to list after `board`: its rows when complete, else the shown rows with the
    changed ones put in (newest first, at most `limit`). A board of another day replaces all."""
    if board.complete or any(v.business_date != board.business_date for v in shown):
        return board.rows[:limit]
    return changes.merge(shown, board.rows, key=lambda v: (v.arrived_at, v.id), limit=limit)


def changed_visits(session: Session, day: date, after: int, upto: int) -> set[int]:
    """Ids of the visits of `day` whose list row changed between the markers: the visit
    written, its ticket issued, its client's arrival hand-off or client record written."""
    written = changes.changed(session, after, upto)
    ids = set(written.get("visit", ()))
    if tickets := written.get("ticket"):
        ids |= {v for v in session.exec(
            select(Ticket.visit_id).where(col(Ticket.id).in_(tickets),
                                          Ticket.business_date == day,
                                          col(Ticket.visit_id).is_not(None))) if v is not None}
    clients = set(written.get("client", ()))
    if handoffs := written.get("handoff"):
        clients |= {c for c in session.exec(
            select(Handoff.client_id).where(col(Handoff.id).in_(handoffs),
                                            Handoff.kind == ARRIVAL,
                                            Handoff.business_date == day)) if c is not None}
    if clients:
        ids |= set(session.exec(select(Visit.id).where(Visit.business_date == day,
                                                       col(Visit.client_id).in_(clients))))
    return {i for i in ids if i is not None}


@dataclass(frozen=True)
class GuideResult:
    visit: VisitView
    route: routing_rules.Route
    ticket_no: str
    ticket_id: int | None
    ahead: int | None


@dataclass(frozen=True)
class LeadView:
    id: int
    client_id: int | None
    contact_name: str
    signal: str
    observed_business: str
    source: str
    handoff_id: int | None
    to_name: str
    to_role: str | None


@dataclass(frozen=True)
class CmChoice:
    staff_id: int
    name: str
    present: bool | None   # None: not recorded in today's attendance
    duty: bool


@dataclass(frozen=True)
class FlowCounts:
    """The daily business-flow record (manual ch.2 §2.7 item 8)."""

    business_date: date
    visitors: int
    identified: int                     # visits with a known client
    premium_identified: int             # premium clients identified by the lobby
    diversions: int                     # sent to self-service / e-channels
    tickets: int
    leads_lobby: int
    leads_cash_counter: int             # identified by the cash counters
    leads_non_cash_counter: int         # identified by the non-cash counters
    complaints: int
    premium_by_cm: tuple[tuple[str, int], ...]  # premium clients received, per CM (accepted)


@dataclass(frozen=True)
class Board:
    """What one read of the lobby's board holds (LobbyService.board; None: not the actor's to
    see)."""

    snap: QueueSnapshot
    arrivals: ArrivalBoard | None
    visits: VisitBoard
    counts: FlowCounts | None


def _arrival_view(h: Handoff, to_name: str | None, cname: str | None, ctier: str | None,
                  tno: str | None, visit_id: int | None) -> ArrivalView:
    assert h.id is not None
    return ArrivalView(
        handoff_id=h.id, business_date=h.business_date, visit_id=visit_id,
        client_id=h.client_id, client_name=cname or "", client_tier=ctier or "",
        to_staff_id=h.to_staff_id, to_name=to_name or "", to_role=h.to_role,
        status=h.status, created_at=h.created_at, accepted_at=h.accepted_at,
        ticket_no=tno or "",
    )


def _last_ticket(column):  # type: ignore[no-untyped-def]
    return (select(column).where(Ticket.visit_id == Visit.id)
            .order_by(col(Ticket.id).desc()).limit(1).scalar_subquery())


#: one visit with its client's name and its (latest) ticket (LobbyService._visit_view)
_ONE_VISIT = (select(Visit, Client.name, _last_ticket(Ticket.id), _last_ticket(Ticket.display_no))
              .outerjoin(Client, Client.id == Visit.client_id)
              .where(Visit.id == bindparam("visit_id")))
_RECEIVER = aliased(Staff)
#: a client's latest premium arrival of a day, as the lobby lists it, with the client's latest
#: visit of that day
_LATEST_ARRIVAL = (
    select(Handoff, _RECEIVER.name, Client.name, Client.tier, Ticket.display_no,
           select(func.max(Visit.id)).where(Visit.client_id == Handoff.client_id,
                                            Visit.business_date == Handoff.business_date)
           .scalar_subquery())
    .outerjoin(_RECEIVER, _RECEIVER.id == Handoff.to_staff_id)
    .outerjoin(Client, Client.id == Handoff.client_id)
    .outerjoin(Ticket, Ticket.id == Handoff.ticket_id)
    .where(Handoff.kind == ARRIVAL, Handoff.client_id == bindparam("client_id"),
           Handoff.business_date == bindparam("day"))
    .order_by(col(Handoff.created_at).desc(), col(Handoff.id).desc())
    .limit(1))


# --- the service ---------------------------------------------------------------------------
class LobbyService(Service):
    def __init__(self, ctx: Context, *, queue: QueueService, handoffs: HandoffService,
                 checklists: ChecklistService) -> None:
        super().__init__(ctx)
        self._queue = queue
        self._handoffs = handoffs
        self._checklists = checklists

    def table(self) -> routing_rules.RoutingTable:
        """The routing table from the configuration."""
        s, r = self.settings, self.settings.queue.routing
        return routing_rules.RoutingTable(
            cash=r.cash, cash_premium=r.cash_premium, non_cash=r.non_cash, wealth=r.wealth,
            premium=r.premium, large_cash_fen=r.large_cash_fen,
            self_service_cash_max_fen=r.self_service_cash_max_fen,
            category_zone={c.code: c.zone for c in s.queue.categories},
            waiting_zone=s.waiting_zone(), self_service_zone="self_service",
        )

    def _is_premium(self, tier: str) -> bool:
        cfg = self.settings.tier(tier)
        if self.settings.center.kind == "high_end":
            return True  # a high-end center serves premium clients only (manual ch.2 §1.3)
        return bool(cfg and cfg.premium)

    def _client(self, uow: UnitOfWork, client_id: int) -> Client:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        return client

    def _visit(self, uow: UnitOfWork, visit_id: int) -> Visit:
        visit = uow.session.get(Visit, visit_id)
        if visit is None:
            raise NotFound("error.lobby.visit_not_found", id=visit_id)
        return visit

    def _potential(self, client: Client | None) -> bool:
        return client is not None and (client.tier == "potential"
                                       or bool(client.potential_signals.strip()))

    # --- whom to tell --------------------------------------------------------------------
    def _absent(self, uow: UnitOfWork, staff_id: int) -> bool:
        return roster.is_away(uow.session, uow.today, staff_id)

    def _duty_cm(self, uow: UnitOfWork, exclude: set[int]) -> int | None:
        return roster.duty_cm(uow.session, uow.today, exclude)

    def _cm_target(self, uow: UnitOfWork, client_id: int | None) -> tuple[int | None, str | None]:
        """The client's exclusive CM unless recorded absent today; else the duty CM; else every
        wealth CM (the role)."""
        assert uow.actor_id is not None
        if client_id is not None:
            cm_id = uow.session.exec(
                select(CMAssignment.cm_id).join(Staff, Staff.id == CMAssignment.cm_id)
                .where(CMAssignment.client_id == client_id, col(CMAssignment.end_at).is_(None),
                       col(Staff.active).is_(True))
            ).first()
            if cm_id is not None and cm_id != uow.actor_id and not self._absent(uow, cm_id):
                return cm_id, None
        duty = self._duty_cm(uow, exclude={uow.actor_id})
        if duty is not None:
            return duty, None
        return None, permissions.WEALTH_CM

    def _open_arrival(self, uow: UnitOfWork, client_id: int) -> Handoff | None:
        return uow.session.exec(
            select(Handoff).where(Handoff.kind == ARRIVAL, Handoff.client_id == client_id,
                                  Handoff.business_date == uow.today,
                                  col(Handoff.status).in_(OPEN))
            .order_by(col(Handoff.id).desc())
        ).first()

    def _hand_arrival(self, uow: UnitOfWork, client: Client, note: str,
                      ticket_id: int | None = None) -> Handoff:
        existing = self._open_arrival(uow, client.id or 0)
        if existing is not None:
            return existing
        to_staff, to_role = self._cm_target(uow, client.id)
        due = uow.now + timedelta(minutes=self.settings.handoffs.arrival_late_minutes)
        return self._handoffs.create_in(
            uow, kind=ARRIVAL, to_staff_id=to_staff, to_role=to_role, client_id=client.id,
            ticket_id=ticket_id, note=note, source="lobby", due_at=due,
            manual_section=SECTION_ARRIVAL,
        )

    # --- the identification checklist ------------------------------------------------------
    def _start_checklist(self, uow: UnitOfWork, visit: Visit) -> None:
        """Start the visit's identification checklist (when the procedure is installed and the
        actor is one of those who run it) and tick the greeting. A broken procedures folder
        does not stop the lobby: the visit goes on without its checklist (the checklist screens
        name the file error)."""
        service = self._checklists
        try:
            proc = service.catalog(uow).get(IDENTIFICATION)
        except Conflict:
            return
        if proc is None or not uow.roles & set(proc.roles):
            return
        self._close_previous_visit(uow)
        run = service.start_in(uow, IDENTIFICATION, client_id=visit.client_id)
        visit.checklist_run_id = run.id
        uow.session.add(visit)
        self._step(uow, visit, "greet")

    def _close_previous_visit(self, uow: UnitOfWork) -> None:
        """Moving on to the next visitor closes the checklist of the one before (this lobby
        manager's latest open identification run today) when its required steps are all done,
        so finished visits do not pile up as "unfinished". One with a required step still open
        (a walk-in not yet judged, a lead not yet logged) stays open and is listed for them to
        resume; optional steps can be ticked until the next visitor comes."""
        last = uow.session.exec(
            select(ChecklistRun).where(
                ChecklistRun.procedure_id == IDENTIFICATION, ChecklistRun.status == ChecklistStatus.OPEN,
                ChecklistRun.started_by == uow.actor_id, ChecklistRun.business_date == uow.today)
            .order_by(col(ChecklistRun.id).desc()).limit(1)
        ).first()
        if last is not None and last.id is not None \
                and not self._checklists.get(uow, last.id).open_required:
            self._checklists.complete(uow, last.id)

    def _step(self, uow: UnitOfWork, visit: Visit, step_id: str, value: str = "", *,
              handoff_id: int | None = None) -> None:
        """Record a step of the visit's checklist that the lobby's own action has done. A step
        whose hand-off the lobby made itself (the arrival to the CM on duty, the lead) is
        recorded with that hand-off, so the checklist does not make a second one."""
        if visit.checklist_run_id is None:
            return
        run = self._checklists.run_in(uow, visit.checklist_run_id)
        if run is None or run.status != "open":
            return
        assert run.id is not None
        if handoff_id is None:
            self._checklists.record_in(uow, run.id, step_id, value)
            return
        if any(r.step_id == step_id for r in self._checklists.records_in(uow, run.id)):
            return  # recorded already
        assert uow.actor_id is not None
        rec = StepRecord(run_id=run.id, step_id=step_id, value=value or "1",
                         done_by=uow.actor_id, done_at=uow.now, handoff_id=handoff_id)
        uow.session.add(rec)
        uow.session.flush()
        uow.audit("checklist.step", "checklist_run", run.id, manual_section=SECTION,
                  procedure=IDENTIFICATION, step=step_id, kind="lobby", handoff_id=handoff_id)

    def _judge(self, uow: UnitOfWork, visit: Visit, client: Client) -> None:
        if visit.checklist_run_id is None:
            return
        run = self._checklists.run_in(uow, visit.checklist_run_id)
        if run is not None and run.client_id is None:
            run.client_id = client.id
            uow.session.add(run)
        kind = ("premium" if self._is_premium(client.tier)
                else "potential" if self._potential(client) else "ordinary")
        self._step(uow, visit, "judge", kind)

    def _route_choice(self, business: str, chosen: str | None, diverted: bool) -> str | None:
        r = self.settings.queue.routing
        if diverted:
            return "self_service"
        if chosen is None:
            return "answered" if business == routing_rules.CONSULT else None
        if chosen == r.cash:
            return "cash_queue"
        if chosen == r.cash_premium:
            return "premium_window"
        if chosen == r.premium:
            return "wealth_room"
        return "low_counter"

    # --- views -----------------------------------------------------------------------------
    def _arrivals(self, uow: UnitOfWork, where,  # type: ignore[no-untyped-def]
                  limit: int | None = None) -> list[ArrivalView]:
        receiver = aliased(Staff)
        query = (
            select(Handoff, receiver.name, Client.name, Client.tier, Ticket.display_no)
            .outerjoin(receiver, receiver.id == Handoff.to_staff_id)
            .outerjoin(Client, Client.id == Handoff.client_id)
            .outerjoin(Ticket, Ticket.id == Handoff.ticket_id)
            .where(Handoff.kind == ARRIVAL, where)
            .order_by(col(Handoff.created_at).desc(), col(Handoff.id).desc())
        )
        rows = uow.session.exec(query.limit(limit) if limit is not None else query).all()
        clients = {h.client_id for h, *_ in rows if h.client_id is not None}
        visits = {
            (client_id, day): visit_id
            for visit_id, client_id, day in uow.session.exec(
                select(Visit.id, Visit.client_id, Visit.business_date).where(
                    col(Visit.client_id).in_(clients),
                    col(Visit.business_date).in_({h.business_date for h, *_ in rows}))
                .order_by(col(Visit.id))
            )
        } if clients else {}
        return [_arrival_view(h, to_name, cname, ctier, tno,
                              visits.get((h.client_id, h.business_date)))
                for h, to_name, cname, ctier, tno in rows]

    def _visit_views(self, uow: UnitOfWork, where,  # type: ignore[no-untyped-def]
                     limit: int | None = None) -> list[VisitView]:
        """The visits `where` selects, newest first (the first `limit`), with their tickets
        and the arrivals of their clients on their days: each read by index, for these rows."""
        query = (select(Visit, Client.name).outerjoin(Client, Client.id == Visit.client_id)
                 .where(where).order_by(col(Visit.arrived_at).desc(), col(Visit.id).desc()))
        rows = uow.session.exec(query.limit(limit) if limit is not None else query).all()
        ids = [v.id for v, _n in rows]
        tickets = {
            visit_id: (ticket_id, no)
            for ticket_id, visit_id, no in uow.session.exec(
                select(Ticket.id, Ticket.visit_id, Ticket.display_no)
                .where(col(Ticket.visit_id).in_(ids)).order_by(col(Ticket.id)))
        } if ids else {}
        client_ids = {v.client_id for v, _n in rows if v.client_id is not None}
        arrivals: dict[tuple[int | None, date], ArrivalView] = {}
        if client_ids:
            days = {v.business_date for v, _n in rows if v.client_id is not None}
            for a in reversed(self._arrivals(uow, col(Handoff.client_id).in_(client_ids)
                                             & col(Handoff.business_date).in_(days))):
                arrivals[(a.client_id, a.business_date)] = a  # the latest of the day wins
        out = []
        for v, cname in rows:
            ticket_id, ticket_no = tickets.get(v.id, (None, ""))
            out.append(self._view_of(
                v, cname, ticket_id, ticket_no,
                arrivals.get((v.client_id, v.business_date)) if v.client_id else None))
        return out

    def _view_of(self, v: Visit, cname: str | None, ticket_id: int | None,
                 ticket_no: str | None, arrival: ArrivalView | None) -> VisitView:
        return VisitView(
            id=v.id, business_date=v.business_date, arrived_at=v.arrived_at,
            client_id=v.client_id, client_name=cname or "", tier_at_arrival=v.tier_at_arrival,
            premium=bool(v.client_id) and self._is_premium(v.tier_at_arrival),
            identified_by=v.identified_by, business_kind=v.business_kind, zone=v.route,
            diverted=v.diverted, note=v.note, ticket_id=ticket_id, ticket_no=ticket_no or "",
            arrival=arrival, checklist_run_id=v.checklist_run_id,
        )

    def _visit_view(self, uow: UnitOfWork, visit_id: int) -> VisitView:
        """One visit as `_visit_views` shows it, in two prepared statements: the visit with its
        client's name and its ticket, then its client's latest arrival that day with the
        client's latest visit of the day (what a visit written just now shows: arrive, guide)."""
        v, cname, ticket_id, ticket_no = uow.session.exec(  # type: ignore[call-overload]
            _ONE_VISIT, params={"visit_id": visit_id}).one()
        arrival = None
        if v.client_id is not None:
            row = uow.session.exec(  # type: ignore[call-overload]
                _LATEST_ARRIVAL, params={"client_id": v.client_id, "day": v.business_date}
            ).first()
            if row is not None:
                arrival = _arrival_view(*row)
        return self._view_of(v, cname, ticket_id, ticket_no, arrival)

    # --- the flow of a visit ---------------------------------------------------------------
    @requires("visit.record")
    def arrive(self, uow: UnitOfWork, *, client_id: int | None = None, note: str = "") -> VisitView:
        """A client walks in. Known client: identified by me, with their tier at arrival; a
        premium one is handed to their exclusive CM (or the duty CM) at once. Without a client:
        a walk-in with no record."""
        note = parse_text(note, "field.note", max_len=500)
        client = self._client(uow, client_id) if client_id is not None else None
        visit = Visit(
            business_date=uow.today, client_id=client_id, arrived_at=uow.now,
            identified_by=uow.actor_id if client else None,
            tier_at_arrival=client.tier if client else "", route=self.settings.waiting_zone(),
            note=note,
        )
        uow.session.add(visit)
        uow.session.flush()
        uow.audit("visit.arrive", "visit", visit.id, manual_section=SECTION, client_id=client_id,
                  tier=visit.tier_at_arrival)
        self._start_checklist(uow, visit)
        if client is not None:
            self._judge(uow, visit, client)
            if self._is_premium(client.tier):
                h = self._hand_arrival(uow, client, note)
                self._step(uow, visit, "notify_cm", handoff_id=h.id)
        assert visit.id is not None
        return self._visit_view(uow, visit.id)

    @requires("visit.record")
    def identify(self, uow: UnitOfWork, visit_id: int, client_id: int) -> VisitView:
        """A walk-in turns out to be (or was just registered as) a client."""
        visit = self._visit(uow, visit_id)
        if visit.client_id is not None:
            raise Conflict("error.lobby.already_identified")
        client = self._client(uow, client_id)
        visit.client_id, visit.identified_by, visit.tier_at_arrival = (
            client_id, uow.actor_id, client.tier)
        uow.session.add(visit)
        ticket = uow.session.exec(select(Ticket).where(Ticket.visit_id == visit_id)).first()
        if ticket is not None and ticket.client_id is None:
            ticket.client_id = client_id
            uow.session.add(ticket)
        uow.audit("visit.identify", "visit", visit.id, manual_section=SECTION,
                  client_id=client_id, tier=client.tier)
        self._judge(uow, visit, client)
        if self._is_premium(client.tier):
            h = self._hand_arrival(uow, client, visit.note, ticket.id if ticket else None)
            self._step(uow, visit, "notify_cm", handoff_id=h.id)
        return self._visit_view(uow, visit_id)

    @requires("visit.record", write=False)
    def propose(self, uow: UnitOfWork, *, client_id: int | None, business: str,
                amount_fen: int | None = None) -> routing_rules.Route:
        """The route the rules propose for this client and business (nothing is written)."""
        client = self._client(uow, client_id) if client_id is not None else None
        return self._propose(client, business, amount_fen)

    def _propose(self, client: Client | None, business: str,
                 amount_fen: int | None) -> routing_rules.Route:
        if business not in routing_rules.BUSINESS_KINDS:
            raise FieldError("lobby.field.business", "error.field.choice",
                             accepted=", ".join(routing_rules.BUSINESS_KINDS))
        if amount_fen is not None and amount_fen < 0:
            raise FieldError("field.amount", "error.field.amount_negative")
        premium = client is not None and self._is_premium(client.tier)
        return routing_rules.route(self.table(), business=business, premium=premium,
                                   potential=self._potential(client), amount_fen=amount_fen)

    @requires("queue.issue")
    def guide(
        self,
        uow: UnitOfWork,
        visit_id: int,
        *,
        business: str,
        amount_fen: int | None = None,
        category: str | None = None,
        divert: bool | None = None,
        note: str = "",
    ) -> GuideResult:
        """Route the visit: the rules propose, the lobby manager may override the category or
        choose to divert. A ticket is issued unless the client is diverted or only consulting;
        a premium client's arrival hand-off carries the ticket."""
        visit = self._visit(uow, visit_id)
        if visit.business_date != uow.today:
            raise Conflict("error.lobby.visit_not_today")
        if uow.session.exec(select(Ticket.id).where(Ticket.visit_id == visit_id)).first():
            raise Conflict("error.lobby.already_ticketed")
        client = self._client(uow, visit.client_id) if visit.client_id is not None else None
        route = self._propose(client, business, amount_fen)
        diverted = route.divert if divert is None else divert
        chosen = None if diverted else (category or route.category)
        if chosen is None and not diverted and business != routing_rules.CONSULT:
            # the client declines the machines: the counter route for the same business
            counter_business = routing_rules.NON_CASH if business == routing_rules.SELF_SERVICE \
                else business
            chosen = self._propose(client, counter_business, None).category
        zone = route.zone
        if chosen is not None:
            cat = self._queue.category(chosen)
            zone = cat.zone
        elif diverted:
            zone = "self_service"
        visit.business_kind, visit.route, visit.diverted = business, zone, diverted
        if note:
            visit.note = parse_text(note, "field.note", max_len=500)
        uow.session.add(visit)
        uow.audit("visit.guide", "visit", visit.id, manual_section=SECTION, business=business,
                  zone=zone, diverted=diverted, proposed=route.category, chosen=chosen)
        ticket = None
        if chosen is not None:
            ticket = self._queue.issue_in(uow, chosen, client_id=visit.client_id,
                                          visit_id=visit.id, note=visit.note)
            if client is not None and self._is_premium(client.tier):
                arrival = self._hand_arrival(uow, client, visit.note, ticket.id)
                if arrival.ticket_id is None:
                    arrival.ticket_id = ticket.id
                    uow.session.add(arrival)
                self._step(uow, visit, "notify_cm", handoff_id=arrival.id)
        if business in CHECKLIST_BUSINESS:
            self._step(uow, visit, "business", CHECKLIST_BUSINESS[business])
        choice = self._route_choice(business, chosen, diverted)
        if choice is not None:
            self._step(uow, visit, "route", choice)
        ahead = self._queue.ahead_in(uow, ticket) if ticket is not None else None
        return GuideResult(visit=self._visit_view(uow, visit_id), route=route,
                           ticket_no=ticket.display_no if ticket else "",
                           ticket_id=ticket.id if ticket else None, ahead=ahead)

    @requires("visit.record")
    def notify_cm(self, uow: UnitOfWork, visit_id: int, note: str = "") -> ArrivalView:
        """Tell the client's CM (or the duty CM) now, e.g. for a client not flagged premium who
        asks for their CM."""
        visit = self._visit(uow, visit_id)
        if visit.client_id is None:
            raise Conflict("error.lobby.no_client")
        client = self._client(uow, visit.client_id)
        ticket = uow.session.exec(select(Ticket.id).where(Ticket.visit_id == visit_id)).first()
        h = self._hand_arrival(uow, client, parse_text(note, "field.note", max_len=500) or
                               visit.note, ticket)
        self._step(uow, visit, "notify_cm", handoff_id=h.id)
        return self._arrivals(uow, Handoff.id == h.id)[0]

    @requires("handoff.reroute")
    def reroute_arrival(self, uow: UnitOfWork, handoff_id: int, *, to_staff_id: int | None = None,
                        to_role: str | None = None, note: str = "") -> ArrivalView:
        """Send a waiting arrival to someone else (the CM did not answer)."""
        h = uow.session.get(Handoff, handoff_id)
        if h is None or h.kind != ARRIVAL:
            raise NotFound("error.handoff.not_found", id=handoff_id)
        new = self._handoffs.reroute(uow, handoff_id, to_staff_id=to_staff_id, to_role=to_role,
                                     note=note)
        return self._arrivals(uow, Handoff.id == new.id)[0]

    @requires("lead.create")
    def spot_potential(
        self,
        uow: UnitOfWork,
        *,
        client_id: int | None = None,
        contact_name: str = "",
        contact_phone: str = "",
        signal: str,
        observed_business: str = "",
        need: str = "",
        to_staff_id: int | None = None,
        visit_id: int | None = None,
    ) -> LeadView:
        """A potential premium client (manual digest §3.3): a lead with the signal, the business
        seen, who spotted it (me) and source lobby, handed to a CM who owns it — the one chosen,
        the client's own when in today, else one of today's CMs by load ([ownership]
        lead_distribution), or every wealth CM when none is in."""
        signal = parse_text(signal, "lobby.field.signal", max_len=200, required=True)
        observed = parse_text(observed_business, "lobby.field.observed", max_len=200)
        need = parse_text(need, "lobby.field.need", max_len=500)
        if client_id is not None:
            self._client(uow, client_id)
            name = phone = ""
        else:
            name = parse_name(contact_name)
            phone = parse_mobile(contact_phone) if contact_phone.strip() else ""
        if to_staff_id is not None:
            target = uow.session.get(Staff, to_staff_id)
            if target is None or not (target.role_set & permissions.CMS):
                raise FieldError("field.handoff_to", "error.lobby.not_a_cm")
            to_role = None
        else:  # the client's CM when in, else spread over today's CMs by load
            to_staff_id = lead_owner(uow, client_id)
            to_role = None if to_staff_id is not None else permissions.WEALTH_CM
        assert uow.actor_id is not None
        lead = Lead(business_date=uow.today, client_id=client_id, contact_name=name,
                    contact_phone=phone, signal=signal, observed_business=observed, need=need,
                    spotted_by=uow.actor_id, source="lobby", created_at=uow.now,
                    owner_id=to_staff_id)
        uow.session.add(lead)
        uow.session.flush()
        text = " / ".join(x for x in (signal, observed, need) if x)
        h = self._handoffs.create_in(uow, kind=LEAD_KIND, to_staff_id=to_staff_id,
                                     to_role=to_role, client_id=client_id, note=text[:1000],
                                     source="lobby", manual_section=SECTION_LEAD)
        lead.handoff_id = h.id
        uow.session.add(lead)
        uow.audit("lead.create", "lead", lead.id, manual_section=SECTION_LEAD, source="lobby",
                  client_id=client_id, handoff_id=h.id)
        if visit_id is not None:
            self._step(uow, self._visit(uow, visit_id), "lead", text[:2000], handoff_id=h.id)
        to_name = uow.session.get(Staff, to_staff_id).name if to_staff_id else ""  # type: ignore[union-attr]
        assert lead.id is not None
        return LeadView(id=lead.id, client_id=client_id, contact_name=name, signal=signal,
                        observed_business=observed, source="lobby", handoff_id=h.id,
                        to_name=to_name, to_role=to_role)

    # --- reading ---------------------------------------------------------------------------
    @requires("visit.record", write=False)
    def board(self, uow: UnitOfWork, *, limit: int | None = None, since: int | None = None,
              last_calls: int = 4) -> Board:
        """The lobby's whole board in one transaction, the actor and their roles read once: the
        queue (`last_calls` last calls), today's latest arrivals, the visits (`visits_board`:
        the latest `limit`, or only those changed since the marker `since` of the rows shown)
        and the flow counts; the parts the actor may not see are None. Each part checks its own
        action (a decorated method called with the unit of work joins it)."""
        roles = uow.roles
        return Board(
            snap=self._queue.snapshot(uow, last_calls=last_calls),
            arrivals=self.arrivals_board(uow)
            if permissions.allowed(roles, "handoff.view_all") else None,
            visits=self.visits_board(uow, limit=limit, since=since),
            counts=self.flow_counts(uow) if permissions.allowed(roles, "flowlog.view") else None,
        )

    @requires("visit.record", write=False)
    def visits(self, uow: UnitOfWork, day: date | None = None) -> list[VisitView]:
        return self._visit_views(uow, Visit.business_date == (day or uow.today))

    @requires("visit.record", write=False)
    def visits_board(self, uow: UnitOfWork, *, limit: int | None = None,
                     since: int | None = None) -> VisitBoard:
        """What the lobby's visits list shows, read in proportion to it however busy the day:
        today's count, the change marker the rows are current to, and

        - without `since` (or with a marker too old, from the future or of another day): the
          latest `limit` visits ([reads] lobby_visits by default), newest first — the first
          `limit` rows of visits(), read by index (`complete` True);
        - with `since`, the marker of the rows shown: only today's visits written after it —
          the visit itself, its ticket, its client's arrival or client record —, at most the
          newest `limit` of them (`complete` False: merge them into the rows shown with
          `merge_visits`; a changed row below the first `limit` could not be shown anyway).
        """
        limit = max(1, min(int(limit or uow.settings.reads.lobby_visits), 5000))
        marker = changes.current_marker(uow.session)
        today = Visit.business_date == uow.today
        total = int(uow.session.exec(select(func.count()).select_from(Visit).where(today)).one())
        if since is None or not changes.incremental(since, marker):
            rows = self._visit_views(uow, today, limit)
            return VisitBoard(uow.today, marker, total, tuple(rows), complete=True)
        ids = changed_visits(uow.session, uow.today, since, marker)
        rows = self._visit_views(uow, today & col(Visit.id).in_(ids), limit) if ids else []
        return VisitBoard(uow.today, marker, total, tuple(rows), complete=False)

    @requires("visit.record", write=False)
    def visit(self, uow: UnitOfWork, visit_id: int) -> VisitView:
        self._visit(uow, visit_id)
        return self._visit_view(uow, visit_id)

    @requires("handoff.view_all", write=False)
    def arrivals(self, uow: UnitOfWork, *, open_only: bool = False) -> list[ArrivalView]:
        """Today's premium arrivals, newest first: whom each went to and whether accepted."""
        where = Handoff.business_date == uow.today
        if open_only:
            where = where & col(Handoff.status).in_(OPEN)
        return self._arrivals(uow, where)

    @requires("handoff.view_all", write=False)
    def arrivals_board(self, uow: UnitOfWork, *, limit: int | None = None) -> ArrivalBoard:
        """What the lobby's arrivals list shows, read in proportion to it however busy the day:
        at most `limit` of today's premium arrivals ([reads] lobby_arrivals by default), newest
        first — the latest of those still open or accepted first (never pushed off the list by
        newer finished ones), the latest of the rest after them —; and the count of today's
        arrivals still waiting for their CM, counted in SQL. Each read walks
        ix_handoff_kind_day newest first and stops at the limit."""
        limit = max(1, min(int(limit or uow.settings.reads.lobby_arrivals), 5000))
        today = Handoff.business_date == uow.today
        latest = self._arrivals(uow, today, limit)
        still_open = self._arrivals(uow, today & col(Handoff.status).in_(OPEN), limit)
        kept = {a.handoff_id: a for a in still_open}
        for a in latest:
            if len(kept) >= limit:
                break
            kept.setdefault(a.handoff_id, a)
        shown = sorted(kept.values(), key=lambda a: (a.created_at, a.handoff_id), reverse=True)
        waiting = int(uow.session.exec(
            select(func.count()).select_from(Handoff)
            .where(Handoff.kind == ARRIVAL, today, Handoff.status == HandoffStatus.OPEN)).one())
        return ArrivalBoard(uow.today, waiting, tuple(shown[:limit]))

    @requires("visit.record", write=False)
    def cm_choices(self, uow: UnitOfWork) -> list[CmChoice]:
        """Active CMs with today's attendance, present and duty first, for a re-route."""
        att = roster.lines(uow.session, uow.today)
        out = []
        for staff in uow.session.exec(select(Staff).where(col(Staff.active).is_(True))
                                      .order_by(col(Staff.staff_no))):
            if not staff.role_set & permissions.CMS or staff.id == uow.actor_id:
                continue
            a = att.get(staff.id or 0)
            out.append(CmChoice(staff_id=staff.id or 0, name=staff.name,
                                present=None if a is None else a.present,
                                duty=bool(a and a.duty_cm and a.present)))
        out.sort(key=lambda c: (not c.duty, c.present is False))
        return out

    @requires("flowlog.view", write=False)
    def flow_counts(self, uow: UnitOfWork, day: date | None = None) -> FlowCounts:
        """Today's (or `day`'s) counts for the daily business-flow record: the figures of
        reports.figures, the one definition the flow log, KPIs and end of day use too."""
        day = day or uow.today
        s = uow.session
        visitors, diverted = figures.visits(s, day)
        identified = s.exec(select(func.count()).select_from(Visit).where(
            Visit.business_date == day, col(Visit.client_id).is_not(None))).one()
        leads = figures.leads(s, day).made
        premium = figures.premium_identified(s, uow.settings, day)
        return FlowCounts(
            business_date=day, visitors=visitors, identified=int(identified),
            premium_identified=premium.lobby, diversions=diverted,
            tickets=figures.tickets_issued(s, day),
            leads_lobby=leads.lobby, leads_cash_counter=premium.cash_counter,
            leads_non_cash_counter=premium.non_cash_counter,
            complaints=figures.complaints_received(s, day),
            premium_by_cm=tuple((c.name, c.count)
                                for c in figures.premium_received_by_cm(s, day)),
        )
