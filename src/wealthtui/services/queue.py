"""The queue (排队叫号), used by the lobby and by the counters: issue, call, recall, start, park,
re-queue, transfer, no-show, finish, cancel; snapshots for the boards.

Every step appends a TicketEvent; waits and service times are derived from the events
(rules.queue.durations). The order in which a counter calls is rules.queue.order_waiting.

Concurrency: ticket numbers are max+1 of the day's series inside the write transaction (BEGIN
IMMEDIATE on SQLite), backed by the unique constraint (business_date, series, number) with a
retry. A call moves a ticket from waiting to called with a compare-and-set UPDATE (and a
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL), so two counters never get the same ticket.
A call reads only the first few candidates in calling order (the read the counter's list uses,
`_candidates`) and reads the next ones when other counters took all of those meanwhile.

Counter steps (call, recall, start, park, transfer, no-show, finish) need the actor to be signed
on to the counter: an open CounterSession of today for that counter and that staff member.
Calling (call_next, call) also waits for the teller's sign-on checklist and the count of their box
(services.sign_on_check, `[cashbox] calls_need_sign_on_checklist`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.config import CategoryCfg, CounterCfg
from wealthtui.model import Appointment, Client, CounterSession, Staff, Ticket, TicketEvent, Visit
from wealthtui.model.status import CounterSessionState
from wealthtui.reports import calling_board
from wealthtui.reports.calling_board import BoardView, CallView
from wealthtui.rules import queue as rules
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services import sign_on_check
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.store.engine import is_sqlite

SECTION = service_section("queue.SECTION")  # lobby manager: divert, guide and give premium clients priority
COUNTER_SECTION = service_section("queue.COUNTER_SECTION")  # tellers serve the queue at their counter

#: a call reads this many candidates of each group (directed, boosted, each lane) in calling
#: order and takes the first free one; when every one was taken meanwhile by other counters it
#: reads the next ones, at most CALL_ROUNDS times, then all that wait (issue 22)
CALL_CANDIDATES = 4
CALL_ROUNDS = 3


#: the actor's counter session a call loaded (uow.memo), for the sign-on checks of later steps of
#: the same call (services.counter keeps the one it loads there too)
SESSION_MEMO = "counter_session"


def signed_on_session(uow: UnitOfWork, counter_no: str) -> CounterSession | None:
    """The session this call loaded, when it is the actor's open session of today at
    `counter_no` as the call holds it now (an ORM row of the call's session: a change earlier in
    the call shows); None otherwise (then the caller reads the store)."""
    held = uow.memo.get(SESSION_MEMO)
    if (held is not None and held.counter_no == counter_no and held.staff_id == uow.actor_id
            and held.business_date == uow.today and held.state == CounterSessionState.OPEN
            and held.ended_at is None):
        return held  # type: ignore[no-any-return]
    return None


# --- views ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketView:
    id: int
    business_date: date
    category: str        # the lane it waits in now
    series: str          # the category its number came from (kept on a transfer)
    number: int
    display_no: str
    status: str
    priority: int
    client_id: int | None
    client_name: str
    client_tier: str
    visit_id: int | None
    counter_no: str | None   # the counter calling/serving it, or the one it is directed at
    served_by: int | None
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recalls: int
    note: str
    ahead: int | None = None  # waiting tickets of the same lane before it (issue and get only)

    def waiting_seconds(self, now: datetime) -> float:
        """Seconds since it was (re-)queued, while it waits."""
        if self.status != rules.WAITING:
            return 0.0
        return max(0.0, (now - self.queued_at).total_seconds())


@dataclass(frozen=True)
class TicketEventView:
    kind: str
    at: datetime
    by_staff_id: int | None
    by_name: str
    counter_no: str | None
    from_category: str | None
    to_category: str | None
    note: str


@dataclass(frozen=True)
class CategoryLoad:
    code: str
    prefix: str
    name: str
    name_en: str
    zone: str
    waiting: int
    longest_wait_seconds: float


@dataclass(frozen=True)
class CounterState:
    no: str
    zone: str
    kind: str
    categories: tuple[str, ...]
    state: str                 # closed | open | break
    staff_id: int | None
    staff_name: str
    ticket_no: str             # the ticket called or being served, "" when none
    ticket_status: str


@dataclass(frozen=True)
class QueueSnapshot:
    at: datetime
    business_date: date
    categories: tuple[CategoryLoad, ...]
    counters: tuple[CounterState, ...]
    last_calls: tuple[CallView, ...]

    @property
    def waiting_total(self) -> int:
        return sum(c.waiting for c in self.categories)


@dataclass(frozen=True)
class CounterQueue:
    """A counter's waiting list as shown: the first tickets in the order call_next takes them,
    and the counts of all it may call, per lane in SQL (not read ticket by ticket)."""

    tickets: tuple[TicketView, ...]
    per_lane: tuple[tuple[str, int], ...]   # (category, waiting tickets the counter may call)

    @property
    def waiting(self) -> int:
        return sum(count for _code, count in self.per_lane)


# --- the service ---------------------------------------------------------------------------
class QueueService(Service):
    # --- helpers ---------------------------------------------------------------------------
    def category(self, code: str) -> CategoryCfg:
        """The configured lane `code` (a FieldError naming the field when there is none)."""
        cat = self.settings.category(code)
        if cat is None:
            accepted = ", ".join(c.code for c in self.settings.queue.categories)
            raise FieldError("queue.field.category", "error.field.choice", accepted=accepted)
        return cat

    def _counter(self, no: str) -> CounterCfg:
        cfg = self.settings.counter_cfg(no)
        if cfg is None:
            accepted = ", ".join(c.no for c in self.settings.counters)
            raise FieldError("queue.field.counter", "error.field.choice", accepted=accepted)
        return cfg

    def _load(self, uow: UnitOfWork, ticket_id: int) -> Ticket:
        ticket = uow.session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("error.queue.not_found", id=ticket_id)
        return ticket

    def view_in(self, uow: UnitOfWork, ticket: Ticket, *, ahead: bool = False) -> TicketView:
        """A ticket as shown (read model shared with the counter and the lobby)."""
        name = tier = ""
        if ticket.client_id is not None:
            client = uow.session.get(Client, ticket.client_id)
            if client is not None:
                name, tier = client.name, client.tier
        count = self.ahead_in(uow, ticket) if ahead and ticket.status == rules.WAITING else None
        return _to_view(ticket, name, tier, count)

    def ahead_in(self, uow: UnitOfWork, ticket: Ticket) -> int:
        """How many tickets of its lane wait before `ticket`."""
        return uow.session.exec(
            select(func.count()).select_from(Ticket).where(
                Ticket.business_date == ticket.business_date,
                Ticket.status == rules.WAITING,
                Ticket.category == ticket.category,
                col(Ticket.queued_at) < ticket.queued_at,
            )
        ).one()

    def _event(self, uow: UnitOfWork, ticket: Ticket, kind: str, **fields: object) -> None:
        assert ticket.id is not None
        uow.session.add(TicketEvent(ticket_id=ticket.id, kind=kind, at=uow.now,
                                    by_staff_id=uow.actor_id, **fields))

    def _signed_on(self, uow: UnitOfWork, counter_no: str) -> CounterCfg:
        """The counter's settings; refused unless the actor is signed on to it (an open session
        of today). The session the call already loaded (`signed_on_session`) is looked at as
        the call holds it now, not read again."""
        cfg = self._counter(counter_no)
        if signed_on_session(uow, counter_no) is not None:
            return cfg
        session = uow.session.exec(
            select(CounterSession).where(
                CounterSession.business_date == uow.today,
                CounterSession.counter_no == counter_no,
                CounterSession.staff_id == uow.actor_id,
                CounterSession.state == CounterSessionState.OPEN,
                col(CounterSession.ended_at).is_(None),
            )
        ).first()
        if session is None:
            raise Conflict("error.queue.not_signed_on", counter=counter_no)
        uow.memo[SESSION_MEMO] = session
        return cfg

    def _ready_to_call(self, uow: UnitOfWork) -> None:
        """The call guard: the sign-on checklist done and the box counted (services.sign_on_check)."""
        assert uow.actor_id is not None
        blocker = sign_on_check.call_blocker(uow, uow.actor_id)
        if blocker is not None:
            raise blocker

    def _mine(self, uow: UnitOfWork, ticket: Ticket, states: tuple[str, ...]) -> None:
        """The ticket is at the actor's counter, in one of `states`."""
        if ticket.status not in states:
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        if ticket.served_by != uow.actor_id:
            raise PermissionDenied("error.queue.not_yours", ticket=ticket.display_no)
        assert ticket.counter_no is not None
        self._signed_on(uow, ticket.counter_no)

    def _busy(self, uow: UnitOfWork, counter_no: str) -> Ticket | None:
        return uow.session.exec(
            select(Ticket).where(
                Ticket.business_date == uow.today,
                Ticket.counter_no == counter_no,
                col(Ticket.status).in_(rules.AT_COUNTER),
            )
        ).first()

    def _take(self, uow: UnitOfWork, ticket_id: int, counter_no: str) -> Ticket | None:
        """Compare-and-set waiting → called; None when another counter got there first. On
        PostgreSQL the row is locked first (a row another transaction holds is skipped); SQLite
        has no row locks (its write transaction holds the whole file): the UPDATE's own
        condition and its row count are the compare-and-set."""
        if not is_sqlite(self.ctx.engine):
            locked = uow.session.exec(
                select(Ticket.id)
                .where(Ticket.id == ticket_id, Ticket.status == rules.WAITING)
                .with_for_update(skip_locked=True)
            ).first()
            if locked is None:
                return None
        result = uow.session.execute(
            update(Ticket)
            .where(col(Ticket.id) == ticket_id, col(Ticket.status) == rules.WAITING)
            .values(status=rules.CALLED, counter_no=counter_no, served_by=uow.actor_id,
                    called_at=uow.now, recalls=0)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        ticket = uow.session.get(Ticket, ticket_id, populate_existing=True)
        assert ticket is not None
        self._event(uow, ticket, "called", counter_no=counter_no)
        uow.audit("queue.call", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no, counter=counter_no)
        return ticket

    # --- issuing ---------------------------------------------------------------------------
    def issue_in(
        self,
        uow: UnitOfWork,
        category: str,
        *,
        client_id: int | None = None,
        visit_id: int | None = None,
        extra_priority: int = 0,
        note: str = "",
    ) -> Ticket:
        """Issue a ticket inside another service's unit of work (the caller checked its action)."""
        cat = self.category(category)
        note = parse_text(note, "field.note", max_len=500)
        if client_id is not None and uow.session.get(Client, client_id) is None:
            raise NotFound("error.client.not_found", id=client_id)
        if visit_id is not None and uow.session.get(Visit, visit_id) is None:
            raise NotFound("error.lobby.visit_not_found", id=visit_id)
        for _attempt in range(5):
            current = uow.session.exec(
                select(func.max(Ticket.number)).where(
                    Ticket.business_date == uow.today, Ticket.series == cat.code
                )
            ).one()
            try:
                number = rules.next_number(current, cat.first, cat.last)
            except rules.RangeExhausted as exc:
                raise Conflict("error.queue.range_exhausted", category=cat.code,
                               first=cat.first, last=cat.last) from exc
            ticket = Ticket(
                business_date=uow.today, category=cat.code, series=cat.code, number=number,
                display_no=rules.display_no(cat.prefix, number, cat.last),
                status=rules.WAITING, priority=cat.priority + extra_priority,
                client_id=client_id, visit_id=visit_id, issued_by=uow.actor_id,
                issued_at=uow.now, queued_at=uow.now, note=note,
            )
            try:
                with uow.session.begin_nested():
                    uow.session.add(ticket)
                    uow.session.flush()
            except IntegrityError:
                continue  # another process took the number between our read and our insert
            self._event(uow, ticket, "issued", to_category=cat.code)
            uow.audit("queue.issue", "ticket", ticket.id, manual_section=SECTION,
                      ticket=ticket.display_no, category=cat.code, client_id=client_id)
            return ticket
        raise Conflict("error.queue.numbering_busy", category=cat.code)

    @requires("queue.issue")
    def issue(
        self,
        uow: UnitOfWork,
        category: str,
        *,
        client_id: int | None = None,
        visit_id: int | None = None,
        extra_priority: int = 0,
        note: str = "",
    ) -> TicketView:
        """Issue the next ticket of `category` for today."""
        ticket = self.issue_in(uow, category, client_id=client_id, visit_id=visit_id,
                               extra_priority=extra_priority, note=note)
        return self.view_in(uow, ticket, ahead=True)

    @requires("queue.issue")
    def cancel(self, uow: UnitOfWork, ticket_id: int, reason: str) -> TicketView:
        """Withdraw a waiting or parked ticket (issued by mistake, the client left)."""
        ticket = self._load(uow, ticket_id)
        if ticket.status not in (rules.WAITING, rules.PARKED):
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        reason = parse_text(reason, "field.reason", max_len=500, required=True)
        ticket.status, ticket.finished_at, ticket.counter_no = rules.CANCELLED, uow.now, None
        uow.session.add(ticket)
        self._event(uow, ticket, "cancelled", note=reason)
        uow.audit("queue.cancel", "ticket", ticket.id, manual_section=SECTION,
                  ticket=ticket.display_no, reason=reason)
        return self.view_in(uow, ticket)

    # --- calling ---------------------------------------------------------------------------
    @requires("queue.serve")
    def call_next(self, uow: UnitOfWork, counter_no: str) -> TicketView | None:
        """Call the next ticket for the counter (rules.queue order); None when nobody waits.
        Refused before the sign-on checklist's required steps are done."""
        cfg = self._signed_on(uow, counter_no)
        self._ready_to_call(uow)
        busy = self._busy(uow, counter_no)
        if busy is not None:
            raise Conflict("error.queue.counter_busy", counter=counter_no, ticket=busy.display_no)
        cats = tuple(cfg.categories)
        tried: list[int] = []
        for attempt in range(CALL_ROUNDS + 1):
            # the first CALL_CANDIDATES in calling order, but those tried already; the last
            # round (every candidate of CALL_ROUNDS reads taken meanwhile) reads them all
            limit = CALL_CANDIDATES if attempt < CALL_ROUNDS else None
            ordered = self._candidates(uow, counter_no, cats, limit, exclude=tried)
            for candidate in ordered:
                ticket = self._take(uow, candidate.ticket_id, counter_no)
                if ticket is not None:
                    return self.view_in(uow, ticket)
                tried.append(candidate.ticket_id)
            if limit is None or len(ordered) < limit:
                return None  # every ticket the counter may call was read and is taken
        return None

    @requires("queue.serve")
    def call(self, uow: UnitOfWork, counter_no: str, ticket_id: int) -> TicketView:
        """Call one particular waiting ticket to the counter (out of order). Refused before the
        sign-on checklist's required steps are done."""
        cfg = self._signed_on(uow, counter_no)
        self._ready_to_call(uow)
        busy = self._busy(uow, counter_no)
        if busy is not None:
            raise Conflict("error.queue.counter_busy", counter=counter_no, ticket=busy.display_no)
        ticket = self._load(uow, ticket_id)
        if ticket.business_date != uow.today or ticket.status != rules.WAITING:
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        candidate = rules.Candidate(ticket.id or 0, ticket.category, ticket.number,
                                    ticket.priority, ticket.queued_at, ticket.counter_no)
        if not rules.eligible(candidate, counter_no, cfg.categories):
            raise Conflict("error.queue.not_this_counter", ticket=ticket.display_no,
                           counter=counter_no)
        taken = self._take(uow, ticket_id, counter_no)
        if taken is None:
            raise Conflict("error.queue.taken", ticket=ticket.display_no)
        return self.view_in(uow, taken)

    @requires("queue.serve")
    def recall(self, uow: UnitOfWork, ticket_id: int) -> TicketView:
        """Call the same ticket again (the client did not come)."""
        ticket = self._load(uow, ticket_id)
        self._mine(uow, ticket, (rules.CALLED,))
        ticket.recalls += 1
        uow.session.add(ticket)
        self._event(uow, ticket, "recalled", counter_no=ticket.counter_no)
        uow.audit("queue.recall", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no, recalls=ticket.recalls)
        return self.view_in(uow, ticket)

    @requires("queue.serve")
    def start(self, uow: UnitOfWork, ticket_id: int) -> TicketView:
        """The client is at the counter: service starts."""
        ticket = self._load(uow, ticket_id)
        self._mine(uow, ticket, (rules.CALLED,))
        self._start(uow, ticket)
        return self.view_in(uow, ticket)

    def _start(self, uow: UnitOfWork, ticket: Ticket) -> None:
        ticket.status, ticket.started_at = rules.SERVING, uow.now
        uow.session.add(ticket)
        self._event(uow, ticket, "started", counter_no=ticket.counter_no)
        uow.audit("queue.start", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no)

    @requires("queue.serve")
    def park(self, uow: UnitOfWork, ticket_id: int, note: str = "") -> TicketView:
        """Set the ticket aside (the client fetches a document); it can be re-queued later."""
        ticket = self._load(uow, ticket_id)
        self._mine(uow, ticket, rules.AT_COUNTER)
        note = parse_text(note, "field.note", max_len=500)
        counter_no = ticket.counter_no
        ticket.status = rules.PARKED
        uow.session.add(ticket)
        self._event(uow, ticket, "parked", counter_no=counter_no, note=note)
        uow.audit("queue.park", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no)
        return self.view_in(uow, ticket)

    @requires("queue.route")
    def requeue(self, uow: UnitOfWork, ticket_id: int, *, counter_no: str | None = None,
                note: str = "") -> TicketView:
        """Put a parked ticket back in its lane (or directed at `counter_no`) when the client
        returns. It keeps its number and waits from now."""
        ticket = self._load(uow, ticket_id)
        if ticket.status != rules.PARKED or ticket.business_date != uow.today:
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        if counter_no is not None:
            self._counter(counter_no)
        note = parse_text(note, "field.note", max_len=500)
        ticket.status, ticket.queued_at = rules.WAITING, uow.now
        ticket.counter_no, ticket.served_by, ticket.called_at = counter_no, None, None
        uow.session.add(ticket)
        self._event(uow, ticket, "requeued", counter_no=counter_no, to_category=ticket.category,
                    note=note)
        uow.audit("queue.requeue", "ticket", ticket.id, manual_section=SECTION,
                  ticket=ticket.display_no, counter=counter_no)
        return self.view_in(uow, ticket, ahead=True)

    @requires("queue.route")
    def transfer(
        self,
        uow: UnitOfWork,
        ticket_id: int,
        *,
        to_category: str | None = None,
        to_counter: str | None = None,
        note: str = "",
    ) -> TicketView:
        """Send the ticket to another lane and/or directly to another counter, with a note. The
        number stays. A ticket at a counter can only be transferred by the teller serving it;
        a waiting one by the lobby or any counter."""
        ticket = self._load(uow, ticket_id)
        if to_category is None and to_counter is None:
            raise FieldError("queue.field.transfer_to", "error.field.required")
        if ticket.status in rules.AT_COUNTER:
            self._mine(uow, ticket, rules.AT_COUNTER)
        elif ticket.status != rules.WAITING or ticket.business_date != uow.today:
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        new_category = self.category(to_category).code if to_category else ticket.category
        if to_counter is not None:
            cfg = self._counter(to_counter)
            if new_category not in cfg.categories and to_category is not None:
                raise Conflict("error.queue.not_this_counter", ticket=ticket.display_no,
                               counter=to_counter)
        note = parse_text(note, "field.note", max_len=500)
        from_category, from_counter = ticket.category, ticket.counter_no
        ticket.category = new_category
        if to_category is not None:
            ticket.priority = max(ticket.priority, self.category(new_category).priority)
        ticket.status, ticket.queued_at = rules.WAITING, uow.now
        ticket.counter_no, ticket.served_by, ticket.called_at = to_counter, None, None
        if note:
            ticket.note = note
        uow.session.add(ticket)
        self._event(uow, ticket, "transferred", counter_no=to_counter or from_counter,
                    from_category=from_category, to_category=new_category, note=note)
        uow.audit("queue.transfer", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no, from_category=from_category,
                  to_category=new_category, to_counter=to_counter)
        return self.view_in(uow, ticket)

    @requires("queue.serve")
    def no_show(self, uow: UnitOfWork, ticket_id: int) -> TicketView:
        """The client did not come after the calls (过号)."""
        ticket = self._load(uow, ticket_id)
        self._mine(uow, ticket, (rules.CALLED,))
        ticket.status, ticket.finished_at = rules.NO_SHOW, uow.now
        uow.session.add(ticket)
        self._event(uow, ticket, "no_show", counter_no=ticket.counter_no)
        uow.audit("queue.no_show", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no, recalls=ticket.recalls)
        return self.view_in(uow, ticket)

    @requires("queue.serve")
    def finish(self, uow: UnitOfWork, ticket_id: int, note: str = "") -> TicketView:
        """Service is over. A ticket finished straight from `called` is started at the same time."""
        ticket = self._load(uow, ticket_id)
        self._mine(uow, ticket, rules.AT_COUNTER)
        note = parse_text(note, "field.note", max_len=500)
        if ticket.status == rules.CALLED:
            self._start(uow, ticket)
        ticket.status, ticket.finished_at = rules.DONE, uow.now
        uow.session.add(ticket)
        self._event(uow, ticket, "finished", counter_no=ticket.counter_no, note=note)
        uow.audit("queue.finish", "ticket", ticket.id, manual_section=COUNTER_SECTION,
                  ticket=ticket.display_no)
        return self.view_in(uow, ticket)

    # --- reading ---------------------------------------------------------------------------
    @requires("queue.view", write=False)
    def get(self, uow: UnitOfWork, ticket_id: int) -> TicketView:
        return self.view_in(uow, self._load(uow, ticket_id), ahead=True)

    @requires("queue.view", write=False)
    def find(self, uow: UnitOfWork, display_no: str, day: date | None = None) -> TicketView:
        """A ticket of the day by what is printed on it (A012)."""
        text = (display_no or "").strip().upper()
        ticket = uow.session.exec(
            select(Ticket).where(Ticket.business_date == (day or uow.today),
                                 Ticket.display_no == text)
            .order_by(col(Ticket.id).desc())
        ).first()
        if ticket is None:
            raise NotFound("error.queue.no_such_ticket", ticket=text)
        return self.view_in(uow, ticket, ahead=True)

    @requires("queue.view", write=False)
    def at_counter(self, uow: UnitOfWork, counter_no: str) -> TicketView | None:
        """The ticket called to or being served at the counter now."""
        self._counter(counter_no)
        ticket = self._busy(uow, counter_no)
        return self.view_in(uow, ticket) if ticket is not None else None

    @requires("queue.view", write=False)
    def tickets(
        self, uow: UnitOfWork, *, statuses: tuple[str, ...] = (rules.WAITING,),
        category: str | None = None, day: date | None = None, limit: int = 500,
    ) -> list[TicketView]:
        """Tickets of a day in the given states, in issue order."""
        query = select(Ticket, Client.name, Client.tier).outerjoin(
            Client, Client.id == Ticket.client_id
        ).where(Ticket.business_date == (day or uow.today), col(Ticket.status).in_(statuses))
        if category is not None:
            query = query.where(Ticket.category == category)
        query = query.order_by(col(Ticket.queued_at), col(Ticket.id)).limit(limit)
        return [_to_view(tk, name or "", tier or "") for tk, name, tier in uow.session.exec(query)]

    @requires("queue.view", write=False)
    def waiting_for(self, uow: UnitOfWork, counter_no: str,
                    limit: int | None = None) -> list[TicketView]:
        """The tickets the counter may call, in the order call_next would take them (the first
        `limit` of them when given)."""
        return self._first_waiting(uow, counter_no, limit)

    @requires("queue.view", write=False)
    def queue_for(self, uow: UnitOfWork, counter_no: str, *,
                  limit: int | None = None) -> CounterQueue:
        """What a counter's waiting list shows: its first `limit` tickets ([reads]
        counter_queue by default) in calling order, and how many it may call per lane, counted
        in SQL. A busy day's reload reads a screenful, not every waiting ticket of its lanes."""
        cfg = self._counter(counter_no)
        n = max(1, min(int(limit or uow.settings.reads.counter_queue), 5000))
        counts = dict(uow.session.exec(
            select(Ticket.category, func.count())
            .where(Ticket.business_date == uow.today, Ticket.status == rules.WAITING,
                   self._may_call(counter_no, cfg.categories))
            .group_by(Ticket.category)
        ).all())
        lanes = [*cfg.categories, *sorted(set(counts) - set(cfg.categories))]
        return CounterQueue(tuple(self._first_waiting(uow, counter_no, n)),
                            tuple((code, int(counts[code])) for code in lanes if code in counts))

    @staticmethod
    def _may_call(counter_no: str, categories: list[str] | tuple[str, ...]):  # type: ignore[no-untyped-def]
        """The tickets a counter may call (rules.queue.eligible, as SQL)."""
        return (col(Ticket.counter_no) == counter_no) | (
            col(Ticket.counter_no).is_(None) & col(Ticket.category).in_(categories))

    def _first_waiting(self, uow: UnitOfWork, counter_no: str,
                       limit: int | None) -> list[TicketView]:
        """The first `limit` (all when None) tickets the counter may call, in the order
        call_next takes them (`_candidates`, the read both use), with their clients."""
        cfg = self._counter(counter_no)
        ids = [c.ticket_id for c in self._candidates(uow, counter_no, tuple(cfg.categories),
                                                     limit)]
        if not ids:
            return []
        rows = {tk.id: (tk, name or "", tier or "") for tk, name, tier in uow.session.exec(
            select(Ticket, Client.name, Client.tier)
            .outerjoin(Client, Client.id == Ticket.client_id)
            .where(col(Ticket.id).in_(ids)))}
        return [_to_view(*rows[tid]) for tid in ids if tid in rows]

    def _candidates(self, uow: UnitOfWork, counter_no: str, cats: tuple[str, ...],
                    limit: int | None, exclude: list[int] | None = None) -> list[rules.Candidate]:
        """The first `limit` (all when None) waiting tickets the counter may call, but those in
        `exclude`, ordered by rules.queue.order_waiting — the one function that orders them, for
        the list shown (queue_for) and for the call (call_next). One statement.

        With a limit, the candidates are read in groups whose own order is that of the rule
        within the group, `limit` of each: the tickets directed at the counter (by queued_at,
        number); the undirected ones boosted by their wait (the same); the others lane by lane
        (by priority, appointment first, queued_at, number). Any of the first `limit` overall
        has fewer than `limit` ahead of it in its group, so it is among the candidates, and the
        rule orders their union (only its first `limit` are sure to be the first overall)."""
        appointed = col(Ticket.id).in_(
            select(Appointment.ticket_id).where(Appointment.business_date == uow.today,
                                                col(Appointment.ticket_id).is_not(None)))
        flag = case((appointed, 1), else_=0)
        columns = (Ticket.id, Ticket.category, Ticket.number, Ticket.priority, Ticket.queued_at,
                   Ticket.counter_no, flag.label("appointment"))
        waiting = [Ticket.business_date == uow.today, Ticket.status == rules.WAITING]
        if exclude:
            waiting.append(col(Ticket.id).not_in(exclude))
        oldest = (col(Ticket.queued_at), col(Ticket.number), col(Ticket.id))
        if limit is None:
            query = select(*columns).where(*waiting, self._may_call(counter_no, cats))
        else:
            cutoff = uow.now - timedelta(minutes=self.settings.queue.starvation_minutes)
            undirected = col(Ticket.counter_no).is_(None)
            groups = [
                select(*columns).where(*waiting, col(Ticket.counter_no) == counter_no)
                .order_by(*oldest).limit(limit),
                select(*columns).where(*waiting, undirected, col(Ticket.category).in_(cats),
                                       col(Ticket.queued_at) <= cutoff)
                .order_by(*oldest).limit(limit),
            ]
            groups += [
                select(*columns).where(*waiting, undirected, Ticket.category == code,
                                       col(Ticket.queued_at) > cutoff)
                .order_by(col(Ticket.priority).desc(), flag.desc(), *oldest).limit(limit)
                for code in cats
            ]
            # each group limited inside its own subquery: one statement on both backends
            query = union_all(*(select(group.subquery()) for group in groups))
        candidates: dict[int, rules.Candidate] = {}
        for tid, category, number, priority, queued_at, directed, appt in \
                uow.session.execute(query):
            candidates[tid] = rules.Candidate(tid, category, number, priority,
                                              calling_board.aware(queued_at), directed,
                                              appointment=bool(appt))
        return rules.order_waiting(
            candidates.values(), counter_no=counter_no, categories=cats, now=uow.now,
            starvation_minutes=self.settings.queue.starvation_minutes,
        )[:limit]

    @requires("queue.view", write=False)
    def events(self, uow: UnitOfWork, ticket_id: int) -> list[TicketEventView]:
        self._load(uow, ticket_id)
        rows = uow.session.exec(
            select(TicketEvent, Staff.name)
            .outerjoin(Staff, Staff.id == TicketEvent.by_staff_id)
            .where(TicketEvent.ticket_id == ticket_id)
            .order_by(col(TicketEvent.at), col(TicketEvent.id))
        ).all()
        return [
            TicketEventView(kind=e.kind, at=e.at, by_staff_id=e.by_staff_id, by_name=name or "",
                            counter_no=e.counter_no, from_category=e.from_category,
                            to_category=e.to_category, note=e.note)
            for e, name in rows
        ]

    @requires("queue.view", write=False)
    def durations(self, uow: UnitOfWork, ticket_id: int) -> rules.Durations:
        """Waits and service time of a ticket, from its events (open intervals up to now)."""
        self._load(uow, ticket_id)
        rows = uow.session.exec(
            select(TicketEvent.kind, TicketEvent.at).where(TicketEvent.ticket_id == ticket_id)
            .order_by(col(TicketEvent.at), col(TicketEvent.id))
        ).all()
        return rules.durations(rows, now=uow.now)

    def snapshot_in(self, uow: UnitOfWork, last_calls: int) -> QueueSnapshot:
        """The queue board inside the caller's transaction (the caller checked its permission)."""
        waiting = calling_board.waiting_by_lane(uow.session, uow.today)
        cats = []
        for cat in self.settings.queue.categories:
            count, oldest = waiting.get(cat.code, (0, None))
            longest = 0.0
            if oldest is not None:
                longest = max(0.0, (uow.now - oldest).total_seconds())
            cats.append(CategoryLoad(cat.code, cat.prefix, cat.name, cat.name_en, cat.zone,
                                     count, longest))
        sessions = {
            s.counter_no: (s, name)
            for s, name in uow.session.exec(
                select(CounterSession, Staff.name)
                .join(Staff, Staff.id == CounterSession.staff_id)
                .where(CounterSession.business_date == uow.today,
                       col(CounterSession.ended_at).is_(None),
                       CounterSession.state != CounterSessionState.CLOSED)
                .order_by(col(CounterSession.started_at))
            )
        }
        at_counter = {
            tk.counter_no: tk
            for tk in uow.session.exec(
                select(Ticket).where(Ticket.business_date == uow.today,
                                     col(Ticket.status).in_(rules.AT_COUNTER))
            )
        }
        counters = []
        for cfg in self.settings.counters:
            session, name = sessions.get(cfg.no, (None, ""))
            tk = at_counter.get(cfg.no)
            counters.append(CounterState(
                no=cfg.no, zone=cfg.zone, kind=cfg.kind, categories=tuple(cfg.categories),
                state=session.state if session else "closed",
                staff_id=session.staff_id if session else None, staff_name=name,
                ticket_no=tk.display_no if tk else "", ticket_status=tk.status if tk else "",
            ))
        return QueueSnapshot(at=uow.now, business_date=uow.today, categories=tuple(cats),
                             counters=tuple(counters), last_calls=self._calls(uow, last_calls))

    def _calls(self, uow: UnitOfWork, limit: int) -> tuple[CallView, ...]:
        """The day's last `limit` calls, newest first (reports.calling_board, the calling
        board's own read)."""
        return calling_board.last_calls(uow.session, uow.today, uow.ctx.tz, limit)

    @requires("queue.view", write=False)
    def snapshot(self, uow: UnitOfWork, *, last_calls: int = 5) -> QueueSnapshot:
        """For the lobby and head boards: waiting per lane, longest wait, counters, last calls."""
        return self.snapshot_in(uow, last_calls)

    def board(self, *, recent: int = 6) -> BoardView:
        """The calling board (explicitly unauthenticated, read-only): ticket numbers and counters
        only, nothing that names a client. The read is reports.calling_board's, which the wall
        board (`wealthtui display`) runs on its own Core connection: one read, one figure."""
        return self._read(lambda uow: calling_board.board_in(
            uow.session, self.settings, uow.now, uow.today, uow.ctx.tz, recent))


def _to_view(ticket: Ticket, client_name: str, client_tier: str,
             ahead: int | None = None) -> TicketView:
    assert ticket.id is not None
    return TicketView(
        id=ticket.id, business_date=ticket.business_date, category=ticket.category,
        series=ticket.series, number=ticket.number, display_no=ticket.display_no,
        status=ticket.status, priority=ticket.priority, client_id=ticket.client_id,
        client_name=client_name, client_tier=client_tier, visit_id=ticket.visit_id,
        counter_no=ticket.counter_no, served_by=ticket.served_by, issued_at=ticket.issued_at,
        queued_at=ticket.queued_at, called_at=ticket.called_at, started_at=ticket.started_at,
        finished_at=ticket.finished_at, recalls=ticket.recalls, note=ticket.note, ahead=ahead,
    )
