"""Counter work (柜面): a teller's session at a counter, the business recorded per ticket, and
finishing a ticket with the wealth-needs question.

Manual ch.2 §2.5–2.6 (cash and non-cash tellers), §2.4 item 4 (at the end of a normal transaction
ask briefly whether the client has further wealth needs, or judge whether to refer them to a CM),
manual digest §4.4.3 (a premium client's account closing: tell the CM first, try to retain) and
§6.5 (start of day: sign on, count the box).

Calling, recalling, starting, parking, transferring and no-shows are the queue's
(services.queue); this service adds what the counter itself keeps: sessions, business records,
and a finish that refuses while an authorisation or a retention attempt is outstanding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.config import BusinessTypeCfg, CounterCfg
from wealthtui.model import (
    AuthorizationRequest,
    Client,
    ClosingRetention,
    CMAssignment,
    CounterSession,
    Lead,
    ServiceRecord,
    Staff,
    TellerBalance,
    Ticket,
)
from wealthtui.model.status import CounterSessionState
from wealthtui.rules import permissions
from wealthtui.rules import queue as qrules
from wealthtui.rules.antifraud import parse_payee
from wealthtui.rules.fields import FieldError, parse_mobile, parse_name, parse_text
from wealthtui.rules.money import format_fen, parse_yuan
from wealthtui.services import antifraud as af
from wealthtui.services import cashbox, compliance, roster
from wealthtui.services.appointment_cash import large_cash_in
from wealthtui.services.assignments import lead_owner
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.conversion import convert_for_record, unconvert_for_record
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.services.handoffs import HandoffService
from wealthtui.services.queue import SESSION_MEMO, QueueService, TicketView

SESSION_SECTION = service_section("counter.SESSION_SECTION")          # tellers: sign on, keep the box, sign off
RECORD_SECTION = service_section("counter.RECORD_SECTION")    # input strictly per the voucher's elements
NEEDS_SECTION = service_section("counter.NEEDS_SECTION")     # the wealth-needs question at the end of a transaction
LEAD_SECTION = service_section("counter.LEAD_SECTION")      # pass premium-client leads to the CMs
CLOSING_SECTION = service_section("counter.CLOSING_SECTION")          # premium account closing: retain the client

NEEDS = ("none", "refer", "lead")
RETENTION_OUTCOMES = ("retained", "insists")
#: service record outcomes that count as business done (or about to be)
LIVE = ("done", "pending_auth")


@dataclass(frozen=True)
class SessionView:
    id: int
    counter_no: str
    kind: str                  # cash | non_cash
    zone: str
    categories: tuple[str, ...]
    staff_id: int
    staff_name: str
    state: str                 # open | break | closed
    started_at: datetime
    ended_at: datetime | None
    opening_cash_fen: int
    checklist_run_id: int | None = None


@dataclass(frozen=True)
class RecordView:
    id: int
    ticket_id: int | None
    business_type: str
    amount_fen: int
    cash: str                  # in | out | none
    outcome: str               # done | pending_auth | rejected | cancelled
    authorization_id: int | None
    authorization_status: str  # "" | pending | approved | rejected | cancelled
    needs_authorization: bool
    staff_id: int
    at: datetime
    note: str
    #: the authorisation limit was reached by the day's sum (issue 17): "" | client_day | ticket
    authorization_sum_of: str = ""
    authorization_sum_fen: int = 0


@dataclass(frozen=True)
class RetentionView:
    id: int
    service_record_id: int
    client_id: int
    cm_handoff_id: int | None
    head_handoff_id: int | None
    outcome: str               # "" while the attempt is not recorded | retained | insists
    attempt_note: str


@dataclass(frozen=True)
class ServingView:
    """The ticket at the teller's counter, with what has been done for it."""

    ticket: TicketView
    records: tuple[RecordView, ...]
    retentions: tuple[RetentionView, ...]
    referral_suggested: bool
    #: catalog keys of what stops the ticket being finished now
    blockers: tuple[str, ...]

    @property
    def can_finish(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class FinishResult:
    ticket: TicketView
    needs: str
    handoff_id: int | None
    lead_id: int | None


@dataclass(frozen=True)
class TellerState:
    """One teller's day, for the supervisor's view."""

    staff_id: int
    staff_no: str
    name: str
    counter_no: str
    state: str                 # serving | signed_on | on_break | signed_off
    ticket_no: str
    sessions: int
    balance_status: str        # "" | draft | submitted | signed_off
    difference_fen: int | None
    difference_handled: bool


def _retention_view(r: ClosingRetention) -> RetentionView:
    assert r.id is not None
    return RetentionView(id=r.id, service_record_id=r.service_record_id, client_id=r.client_id,
                         cm_handoff_id=r.cm_handoff_id, head_handoff_id=r.head_handoff_id,
                         outcome=r.outcome, attempt_note=r.attempt_note)


class CounterService(Service):
    def __init__(self, ctx: Context, *, queue: QueueService, handoffs: HandoffService,
                 checklists: ChecklistService, antifraud: af.AntifraudService) -> None:
        super().__init__(ctx)
        self.antifraud = antifraud
        self._queue = queue
        self._handoffs = handoffs
        self._checklists = checklists

    # --- helpers ---------------------------------------------------------------------------
    def _counter_cfg(self, no: str) -> CounterCfg:
        cfg = self.settings.counter_cfg((no or "").strip())
        if cfg is None:
            accepted = ", ".join(c.no for c in self.settings.counters)
            raise FieldError("counter.field.counter", "error.field.choice", accepted=accepted)
        return cfg

    def _open_session(self, uow: UnitOfWork, staff_id: int | None = None) -> CounterSession | None:
        """The staff member's session of today that is not closed (open or on a break)."""
        return uow.session.exec(
            select(CounterSession).where(
                CounterSession.business_date == uow.today,
                CounterSession.staff_id == (staff_id or uow.actor_id),
                CounterSession.state != CounterSessionState.CLOSED,
            ).order_by(col(CounterSession.id).desc())
        ).first()

    def _require_session(self, uow: UnitOfWork, *states: str) -> CounterSession:
        session = self._open_session(uow)
        if session is None:
            raise Conflict("error.counter.not_signed_on")
        uow.memo[SESSION_MEMO] = session  # the queue's steps of this call look at it (queue)
        if states and session.state not in states:
            raise Conflict("error.counter.on_break" if session.state == "break"
                           else "error.counter.not_on_break")
        return session

    def _session_view(self, uow: UnitOfWork, s: CounterSession, run_id: int | None = None
                      ) -> SessionView:
        cfg = self.settings.counter_cfg(s.counter_no)
        staff = uow.session.get(Staff, s.staff_id)
        assert s.id is not None
        return SessionView(
            id=s.id, counter_no=s.counter_no, kind=cfg.kind if cfg else "",
            zone=cfg.zone if cfg else "", categories=tuple(cfg.categories) if cfg else (),
            staff_id=s.staff_id, staff_name=staff.name if staff else "", state=s.state,
            started_at=s.started_at, ended_at=s.ended_at, opening_cash_fen=s.opening_cash_fen,
            checklist_run_id=run_id,
        )

    def _ticket_at_counter(self, uow: UnitOfWork, counter_no: str) -> Ticket | None:
        return uow.session.exec(
            select(Ticket).where(Ticket.business_date == uow.today,
                                 Ticket.counter_no == counter_no,
                                 col(Ticket.status).in_(qrules.AT_COUNTER))
        ).first()

    def _my_ticket(self, uow: UnitOfWork, ticket_id: int) -> Ticket:
        """A ticket called to or served at the actor's counter by the actor."""
        ticket = uow.session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound("error.queue.not_found", id=ticket_id)
        if ticket.status not in qrules.AT_COUNTER:
            raise Conflict("error.queue.state", ticket=ticket.display_no, status=ticket.status)
        if ticket.served_by != uow.actor_id:
            raise PermissionDenied("error.queue.not_yours", ticket=ticket.display_no)
        self._require_session(uow, "open")
        return ticket

    def _business_type(self, code: str, category: str) -> BusinessTypeCfg:
        allowed = [b for b in self.settings.counter.business_types if category in b.categories]
        found = next((b for b in allowed if b.code == code), None)
        if found is None:
            raise FieldError("counter.field.business_type", "error.field.choice",
                             accepted=", ".join(b.code for b in allowed))
        return found

    def _record_views(self, uow: UnitOfWork, where: Any) -> list[RecordView]:
        rows = uow.session.exec(
            select(ServiceRecord, AuthorizationRequest.status)
            .outerjoin(AuthorizationRequest,
                       AuthorizationRequest.id == ServiceRecord.authorization_id)
            .where(where)
            .order_by(col(ServiceRecord.at), col(ServiceRecord.id))
        ).all()
        views = []
        for r, authz_status in rows:
            assert r.id is not None
            rule = self.settings.authorization.rule_for(r.business_type, r.amount_fen)
            basis = None
            if r.outcome == "pending_auth" or r.authorization_id is not None:
                rule, basis = compliance.authorization_rule(uow, r)
            views.append(RecordView(
                id=r.id, ticket_id=r.ticket_id, business_type=r.business_type,
                amount_fen=r.amount_fen, cash=r.cash, outcome=r.outcome,
                authorization_id=r.authorization_id, authorization_status=authz_status or "",
                needs_authorization=rule is not None, staff_id=r.staff_id, at=r.at, note=r.note,
                authorization_sum_of=basis.reason if basis else "",
                authorization_sum_fen=basis.amount_fen if basis else 0,
            ))
        return views

    def _retention_views(self, uow: UnitOfWork, ticket_id: int) -> list[RetentionView]:
        rows = uow.session.exec(
            select(ClosingRetention).join(
                ServiceRecord, ServiceRecord.id == ClosingRetention.service_record_id
            ).where(ClosingRetention.ticket_id == ticket_id,
                    col(ServiceRecord.outcome).in_(LIVE + ("cancelled",)))
            .order_by(col(ClosingRetention.id))
        ).all()
        return [_retention_view(r) for r in rows]

    def _suggests_referral(self, records: list[RecordView]) -> bool:
        threshold = self.settings.counter.premium_signal_amount_fen
        for r in records:
            bt = self.settings.business_type(r.business_type)
            if bt and bt.premium_signal and r.outcome in LIVE and r.amount_fen >= threshold:
                return True
        return False

    def _blockers(self, records: list[RecordView], retentions: list[RetentionView]
                  ) -> tuple[str, ...]:
        keys = []
        if any(r.outcome == "pending_auth" for r in records):
            keys.append("counter.blocker.authorization")
        if any(not r.outcome for r in retentions):
            keys.append("counter.blocker.retention")
        return tuple(keys)

    def _serving(self, uow: UnitOfWork, ticket: Ticket) -> ServingView:
        assert ticket.id is not None
        records = self._record_views(uow, ServiceRecord.ticket_id == ticket.id)
        retentions = self._retention_views(uow, ticket.id)
        return ServingView(
            ticket=self._queue.view_in(uow, ticket),
            records=tuple(records),
            retentions=tuple(retentions),
            referral_suggested=self._suggests_referral(records),
            blockers=self._blockers(records, retentions),
        )

    def source_of(self, counter_no: str) -> str:
        """The lead source the daily flow log counts: cash counter or non-cash counter."""
        cfg = self.settings.counter_cfg(counter_no)
        return "cash_counter" if cfg is not None and cfg.kind == "cash" else "non_cash_counter"

    # --- sessions --------------------------------------------------------------------------
    @requires("counter.session")
    def sign_on(self, uow: UnitOfWork, counter_no: str, opening_cash: str = "") -> SessionView:
        """Sign on to a counter for today; the counter fixes the categories served. Tellers sign
        on to counters of their kind; a business officer, who may double as a teller (manual
        ch.2 §2.4), to any. The first sign-on of the day takes the opening cash in the box (required
        above 0 at a cash counter, `[cashbox] opening_cash_required`); a later one carries the
        box on. Starts the sign-on checklist when the procedure exists; tickets are called once
        its required steps are done and the cash counted there agrees (services.sign_on_check)."""
        cfg = self._counter_cfg(counter_no)
        roles = uow.roles
        own_kind = permissions.CASH_TELLER if cfg.kind == "cash" else permissions.NON_CASH_TELLER
        if own_kind not in roles and permissions.OFFICER not in roles:
            raise PermissionDenied(f"error.counter.wrong_kind_{cfg.kind}", counter=cfg.no)
        current = self._open_session(uow)
        if current is not None:
            raise Conflict("error.counter.already_on", counter=current.counter_no)
        occupied = uow.session.exec(
            select(CounterSession, Staff.name).join(Staff, Staff.id == CounterSession.staff_id)
            .where(CounterSession.business_date == uow.today,
                   CounterSession.counter_no == cfg.no, CounterSession.state != CounterSessionState.CLOSED)
        ).first()
        if occupied is not None:
            raise Conflict("error.counter.occupied", counter=cfg.no, name=occupied[1])
        assert uow.actor_id is not None
        first_today = cashbox.first_session(uow.session, uow.today, uow.actor_id) is None
        if first_today:
            opening = self._opening_cash(cfg, opening_cash)
        else:
            if opening_cash.strip():
                raise FieldError("counter.field.opening_cash", "error.counter.box_carried")
            opening = cashbox.figures(uow.session, self.settings, uow.today,
                                      uow.actor_id).expected_cash_fen
        session = CounterSession(business_date=uow.today, counter_no=cfg.no,
                                 staff_id=uow.actor_id, state="open", started_at=uow.now,
                                 opening_cash_fen=opening)
        uow.session.add(session)
        uow.session.flush()
        uow.audit("counter.sign_on", "counter_session", session.id,
                  manual_section=SESSION_SECTION, counter=cfg.no, opening_cash_fen=opening,
                  first_today=first_today)
        run_id = self._start_checklist(uow, session) if first_today else None
        return self._session_view(uow, session, run_id)

    def _opening_cash(self, cfg: CounterCfg, text: str) -> int:
        """The cash in the box at the day's first sign-on: above 0 at the counter kinds of
        `[cashbox] opening_cash_required` (cash counters by default), else may be empty or 0."""
        opening = parse_yuan(text, "counter.field.opening_cash", allow_zero=True) \
            if text.strip() else 0
        if opening <= 0 and cfg.kind in self.settings.cashbox.opening_cash_required:
            raise FieldError("counter.field.opening_cash", "cashbox.error.opening_required",
                             counter=cfg.no)
        return opening

    def _start_checklist(self, uow: UnitOfWork, session: CounterSession) -> int | None:
        """Start the teller's sign-on procedure (box drawn, cash and blank vouchers counted,
        equipment checked) configured as `[counter] sign_on_procedure`. A procedure that is
        missing or unreadable does not stop the teller signing on."""
        procedure_id = self.settings.counter.sign_on_procedure
        if not procedure_id:
            return None
        try:
            run = self._checklists.start_in(uow, procedure_id,
                                            subject_staff_id=session.staff_id)
        except (NotFound, Conflict):
            return None
        return run.id

    @requires("counter.session", write=False)
    def current(self, uow: UnitOfWork) -> SessionView | None:
        """The actor's session of today that is open or on a break."""
        session = self._open_session(uow)
        return self._session_view(uow, session) if session is not None else None

    def _change_state(self, uow: UnitOfWork, session: CounterSession, state: str,
                      action: str) -> SessionView:
        busy = self._ticket_at_counter(uow, session.counter_no)
        if busy is not None and state != "open":
            raise Conflict("error.counter.ticket_open", ticket=busy.display_no)
        session.state = state
        if state == "closed":
            session.ended_at = uow.now
        uow.session.add(session)
        uow.audit(action, "counter_session", session.id, manual_section=SESSION_SECTION,
                  counter=session.counter_no)
        return self._session_view(uow, session)

    @requires("counter.session")
    def take_break(self, uow: UnitOfWork) -> SessionView:
        """Leave the counter for a while: it stops calling (the box stays locked)."""
        session = self._require_session(uow, "open")
        return self._change_state(uow, session, "break", "counter.break")

    @requires("counter.session")
    def resume(self, uow: UnitOfWork) -> SessionView:
        session = self._require_session(uow, "break")
        return self._change_state(uow, session, "open", "counter.resume")

    @requires("counter.session")
    def sign_off(self, uow: UnitOfWork) -> SessionView:
        """Leave the counter: refused while a ticket is called or being served there. The
        end-of-day routine's "box handed in, signed off" step is recorded with it."""
        session = self._require_session(uow)
        view = self._change_state(uow, session, "closed", "counter.sign_off")
        self._checklists.confirm_in(uow, "counter_sign_off", uow.today,
                                    subject_staff_id=uow.actor_id)
        return view

    # --- business records ------------------------------------------------------------------
    @af.records_stops
    @compliance.records_refusals
    @requires("service.record")
    def record(self, uow: UnitOfWork, ticket_id: int, business_type: str, amount: str = "",
               note: str = "", product: str = "", *, payee: str = "",
               antifraud: Mapping[str, str] | None = None) -> RecordView:
        """Record one business done for the ticket at the counter (several per ticket).

        The amount is typed in yuan and stored in fen; cash business needs one. Business that a
        rule of [[authorization.rules]] covers is recorded as pending authorisation; a premium
        client's account closing tells the exclusive CM (and the head for key clients) at once.
        A ticket only called is started. A sale (`[compliance] sale_business_types`) names the
        `product` of the shelf and is checked for suitability (services.compliance); the
        authorisation limit applies to the client's and the ticket's sum of the day. Business
        that `[antifraud]` names (large transfers and withdrawals, a transfer to a new `payee`)
        needs the `antifraud` answers: without them it is refused, with a suspicious one it is
        stopped and handed to the supervisor (services.antifraud)."""
        ticket = self._my_ticket(uow, ticket_id)
        bt = self._business_type(business_type, ticket.category)
        sale = bt.code in self.settings.compliance.sale_business_types
        if bt.cash != "none" or amount.strip() or sale:
            amount_fen = parse_yuan(amount, "field.amount", allow_zero=bt.cash == "none" and not sale)
        else:
            amount_fen = 0
        note = parse_text(note, "field.note", max_len=500)
        payee = parse_payee(payee)
        if bt.cash == "out":
            self._box_pays(uow, amount_fen)
        checks = compliance.sale_checks_for_record(uow, sale=sale, product=product,
                                                   client_id=ticket.client_id,
                                                   amount_fen=amount_fen)
        if ticket.status == qrules.CALLED:
            self._queue.start(uow, ticket_id)
        assert uow.actor_id is not None and ticket.id is not None
        rec = ServiceRecord(
            business_date=uow.today, ticket_id=ticket.id, client_id=ticket.client_id,
            staff_id=uow.actor_id, counter_no=ticket.counter_no or "", business_type=bt.code,
            amount_fen=amount_fen, cash=bt.cash, outcome="done", at=uow.now, note=note,
        )
        uow.session.add(rec)
        uow.session.flush()
        rule, basis = compliance.authorization_rule(uow, rec)
        rec.outcome = "pending_auth" if rule is not None else "done"
        large_cash = self._large_cash(uow, rec) if bt.cash == "out" else None
        for c in checks:
            c.service_record_id = rec.id
        asked = self.antifraud.check_in(uow, ticket=ticket, business_type=bt.code,
                                        amount_fen=amount_fen, payee=payee, answers=antifraud)
        if asked is not None:
            asked.service_record_id = rec.id
        uow.audit("counter.record", "service_record", rec.id, manual_section=RECORD_SECTION,
                  ticket=ticket.display_no, business_type=bt.code, amount_fen=amount_fen,
                  cash=bt.cash, needs_authorization=rule is not None,
                  **({"authorization_on_sum_fen": basis.amount_fen,
                      "authorization_sum_of": basis.reason} if basis.reason else {}),
                  **({"product": checks[0].product_code, "suitability": checks[0].outcome}
                     if checks else {}),
                  **({"large_cash_appointment": large_cash} if large_cash else {}),
                  **({"antifraud_check": asked.id} if asked is not None else {}))
        if bt.account_closing and ticket.client_id is not None:
            self._closing_notice(uow, rec, ticket)
        convert_for_record(uow, rec)  # a sale converts the client's open leads (issue 16)
        return self._record_views(uow, ServiceRecord.id == rec.id)[0]

    def _large_cash(self, uow: UnitOfWork, rec: ServiceRecord) -> int | None:
        """A withdrawal from `[appointments] large_cash_fen`: the client's checked-in large-cash
        appointment of today that covers it, recorded against the record (issue 18); refused
        without one when `large_cash_needs_appointment` is on."""
        cfg = self.settings.appointments
        if rec.amount_fen < cfg.large_cash_fen or cfg.large_cash_fen == 0:
            return None
        found = large_cash_in(uow, rec.client_id, rec.amount_fen, record_id=rec.id)
        if found is None and cfg.large_cash_needs_appointment:
            raise FieldError("field.amount", "appointments.error.large_cash_unbooked")
        return found

    def _box_pays(self, uow: UnitOfWork, amount_fen: int) -> None:
        """The actor's box can pay `amount_fen` out: never more than it holds, less what is
        reserved for withdrawals awaiting authorisation (services.cashbox: write transactions
        do not interleave, so two terminals cannot both spend the same cash)."""
        assert uow.actor_id is not None
        available = cashbox.available_fen(uow.session, self.settings, uow.today, uow.actor_id)
        if amount_fen > available:
            raise FieldError("field.amount", "cashbox.error.exceeds_box",
                             available=format_fen(max(available, 0)),
                             amount=format_fen(amount_fen))

    def _closing_notice(self, uow: UnitOfWork, rec: ServiceRecord, ticket: Ticket) -> None:
        client = uow.session.get(Client, ticket.client_id)
        tier = self.settings.tier(client.tier) if client else None
        if client is None or tier is None or not tier.premium:
            return
        assert rec.id is not None and client.id is not None
        note = f"{ticket.display_no} {client.name}"
        to_staff, to_role = self.cm_for(uow, client.id)
        cm = self._handoffs.create_in(
            uow, kind="escalation", to_staff_id=to_staff, to_role=to_role, client_id=client.id,
            ticket_id=ticket.id, note=note, source=self.source_of(rec.counter_no),
            manual_section=CLOSING_SECTION,
        )
        head = None
        if client.tier == self.settings.tiers[-1].code:  # the highest tier: key clients
            head = self._handoffs.create_in(
                uow, kind="escalation", to_role=permissions.HEAD, client_id=client.id,
                ticket_id=ticket.id, note=note, source=self.source_of(rec.counter_no),
                manual_section=CLOSING_SECTION,
            )
        assert uow.actor_id is not None
        retention = ClosingRetention(
            business_date=uow.today, service_record_id=rec.id, ticket_id=ticket.id,
            client_id=client.id, cm_handoff_id=cm.id, head_handoff_id=head.id if head else None,
            notified_at=uow.now, notified_by=uow.actor_id,
        )
        uow.session.add(retention)
        uow.session.flush()
        uow.audit("counter.closing_notice", "closing_retention", retention.id,
                  manual_section=CLOSING_SECTION, client_id=client.id,
                  cm_handoff_id=cm.id, head_handoff_id=head.id if head else None)

    @requires("service.record")
    def record_retention(self, uow: UnitOfWork, retention_id: int, outcome: str,
                         note: str) -> RetentionView:
        """Record the attempt to keep a premium client who wants to close an account: why they
        leave, what was offered, and whether they stay (the closing is then cancelled) or
        insist (the closing goes on to its authorisation)."""
        retention = uow.session.get(ClosingRetention, retention_id)
        if retention is None:
            raise NotFound("error.counter.retention_not_found", id=retention_id)
        if outcome not in RETENTION_OUTCOMES:
            raise FieldError("counter.field.retention_outcome", "error.field.choice",
                             accepted=", ".join(RETENTION_OUTCOMES))
        note = parse_text(note, "counter.field.retention_note", max_len=500, required=True)
        rec = uow.session.get(ServiceRecord, retention.service_record_id)
        assert rec is not None
        if rec.staff_id != uow.actor_id:
            raise PermissionDenied("error.counter.record_not_yours")
        if retention.outcome:
            raise Conflict("error.counter.retention_done")
        retention.outcome, retention.attempt_note = outcome, note
        retention.recorded_by, retention.recorded_at = uow.actor_id, uow.now
        uow.session.add(retention)
        if outcome == "retained":
            self._cancel_record(uow, rec, "retained")
        uow.audit("counter.retention", "closing_retention", retention.id,
                  manual_section=CLOSING_SECTION, outcome=outcome, client_id=retention.client_id)
        return _retention_view(retention)

    def _cancel_record(self, uow: UnitOfWork, rec: ServiceRecord, reason: str) -> None:
        rec.outcome = "cancelled"
        rec.note = (rec.note + " " if rec.note else "") + f"[{reason}]"
        uow.session.add(rec)
        if rec.authorization_id is not None:
            req = uow.session.get(AuthorizationRequest, rec.authorization_id)
            if req is not None and req.status == "pending":
                req.status, req.decided_at = "cancelled", uow.now
                uow.session.add(req)
                uow.audit("authz.cancel", "authorization_request", req.id,
                          manual_section=RECORD_SECTION, reason=reason)

    @requires("service.record")
    def cancel_record(self, uow: UnitOfWork, record_id: int, reason: str) -> RecordView:
        """Take back a business recorded by mistake while the ticket is still at the counter;
        a pending authorisation of it is withdrawn, and the leads a sale converted are open
        again."""
        rec = uow.session.get(ServiceRecord, record_id)
        if rec is None:
            raise NotFound("error.counter.record_not_found", id=record_id)
        if rec.staff_id != uow.actor_id:
            raise PermissionDenied("error.counter.record_not_yours")
        if rec.outcome not in LIVE:
            raise Conflict("error.counter.record_closed")
        if rec.ticket_id is not None:
            self._my_ticket(uow, rec.ticket_id)
        reason = parse_text(reason, "field.reason", max_len=200, required=True)
        if rec.cash == "in" and rec.outcome == "done":
            self._box_gives_back(uow, rec)
        unconvert_for_record(uow, rec, reason)  # a sale taken back converts nothing (issue 16)
        self._cancel_record(uow, rec, reason)
        uow.audit("counter.record_cancel", "service_record", rec.id,
                  manual_section=RECORD_SECTION, reason=reason)
        return self._record_views(uow, ServiceRecord.id == rec.id)[0]

    def _box_gives_back(self, uow: UnitOfWork, rec: ServiceRecord) -> None:
        """Taking back a cash deposit takes its cash out of the box: refused when the box no
        longer holds it (it was paid out meanwhile), so the box never goes below 0."""
        available = cashbox.available_fen(uow.session, self.settings, uow.today, rec.staff_id)
        if rec.amount_fen > available:
            raise Conflict("cashbox.error.cancel_exceeds_box", amount=format_fen(rec.amount_fen),
                           available=format_fen(max(available, 0)))

    @requires("service.record", write=False)
    def serving(self, uow: UnitOfWork) -> ServingView | None:
        """The ticket called to or served at the actor's counter, with its records."""
        session = self._open_session(uow)
        if session is None:
            return None
        ticket = self._ticket_at_counter(uow, session.counter_no)
        return self._serving(uow, ticket) if ticket is not None else None

    @requires("service.record", write=False)
    def records_today(self, uow: UnitOfWork) -> list[RecordView]:
        """Everything the actor recorded today, oldest first."""
        return self._record_views(uow, (ServiceRecord.business_date == uow.today)
                                  & (ServiceRecord.staff_id == uow.actor_id))

    # --- finishing -------------------------------------------------------------------------
    def cm_for(self, uow: UnitOfWork, client_id: int | None) -> tuple[int | None, str | None]:
        """Whom a referral goes to: the client's exclusive CM when in today, else the duty CM,
        else every wealth CM (the role)."""
        absent = roster.away_ids(uow.session, uow.today)
        if client_id is not None:
            cm_id = uow.session.exec(
                select(CMAssignment.cm_id).join(Staff, Staff.id == CMAssignment.cm_id).where(
                    CMAssignment.client_id == client_id, col(CMAssignment.end_at).is_(None),
                    Staff.active == True)  # noqa: E712
            ).first()
            if cm_id is not None and cm_id not in absent and cm_id != uow.actor_id:
                return cm_id, None
        duty = roster.duty_cm(uow.session, uow.today, exclude={uow.actor_id or 0})
        if duty is not None:
            return duty, None
        return None, permissions.WEALTH_CM

    @requires("service.record")
    def finish(
        self,
        uow: UnitOfWork,
        ticket_id: int,
        needs: str,
        *,
        need_note: str = "",
        contact_name: str = "",
        contact_phone: str = "",
        note: str = "",
    ) -> FinishResult:
        """Finish the ticket with the answer to the wealth-needs question (manual ch.2 §2.4
        item 4): `none`; `refer` — a hand-off now to the client's CM (when in today, else a CM
        of today's roster by load) with the need noted, and a lead; `lead` — a lead for later,
        owned the same way, with its follow-up date ([ownership] lead_follow_up_days) and a
        hand-off to its owner due that day. Refused while a
        business awaits authorisation or a premium closing has no retention attempt recorded."""
        ticket = self._my_ticket(uow, ticket_id)
        if needs not in NEEDS:
            raise FieldError("counter.field.wealth_needs", "error.field.choice", accepted=", ".join(NEEDS))
        view = self._serving(uow, ticket)
        if "counter.blocker.authorization" in view.blockers:
            pending = next(r for r in view.records if r.outcome == "pending_auth")
            raise Conflict("error.counter.awaiting_authorization", ticket=ticket.display_no,
                           business=pending.business_type)
        if "counter.blocker.retention" in view.blockers:
            raise Conflict("error.counter.retention_missing", ticket=ticket.display_no)
        need_note = parse_text(need_note, "counter.field.need", max_len=500, required=needs != "none")
        if ticket.client_id is None and needs != "none":
            contact_name = parse_name(contact_name) if contact_name.strip() else ""
            contact_phone = parse_mobile(contact_phone) if contact_phone.strip() else ""
        else:
            contact_name = contact_phone = ""
        handoff_id = lead_id = None
        source = self.source_of(ticket.counter_no or "")
        if needs != "none":
            done = [r for r in view.records if r.outcome in LIVE]
            signal = ""
            if view.referral_suggested:
                signal = "premium_signal_amount"
            observed = ",".join(dict.fromkeys(r.business_type for r in done))
            # the owner: the client's CM when in, else one of today's CMs by load; a referral
            # is handed over now, a lead for later is due on its follow-up date
            owner = lead_owner(uow, ticket.client_id)
            follow_up = None
            text = need_note if not contact_name else f"{contact_name}：{need_note}"
            due = None
            if needs == "lead":
                follow_up = uow.today + timedelta(
                    days=self.settings.ownership.lead_follow_up_days)
                due = uow.now + timedelta(days=self.settings.ownership.lead_follow_up_days)
            h = self._handoffs.create_in(
                uow, kind="referral" if needs == "refer" else "lead", to_staff_id=owner,
                to_role=None if owner is not None else permissions.WEALTH_CM,
                client_id=ticket.client_id, ticket_id=ticket.id, note=text, source=source,
                due_at=due, manual_section=NEEDS_SECTION,
            )
            handoff_id = h.id
            assert uow.actor_id is not None
            lead = Lead(
                business_date=uow.today, client_id=ticket.client_id, contact_name=contact_name,
                contact_phone=contact_phone, signal=signal, observed_business=observed[:200],
                need=need_note, spotted_by=uow.actor_id, source=source, handoff_id=handoff_id,
                status="new", created_at=uow.now, owner_id=owner, follow_up_on=follow_up,
            )
            uow.session.add(lead)
            uow.session.flush()
            lead_id = lead.id
            uow.audit("lead.create", "lead", lead.id, manual_section=LEAD_SECTION,
                      source=source, client_id=ticket.client_id, handoff_id=handoff_id,
                      owner_id=owner, follow_up_on=follow_up)
        uow.audit("counter.wealth_needs", "ticket", ticket.id, manual_section=NEEDS_SECTION,
                  ticket=ticket.display_no, needs=needs, suggested=view.referral_suggested)
        finished = self._queue.finish(uow, ticket_id, note)
        return FinishResult(ticket=finished, needs=needs, handoff_id=handoff_id, lead_id=lead_id)

    # --- the supervisor's view -------------------------------------------------------------
    @requires("counter.oversee", write=False)
    def tellers(self, uow: UnitOfWork) -> list[TellerState]:
        """Every staff member who signed on to a counter today: where they are, what they
        serve, and how far their balancing has gone."""
        sessions = uow.session.exec(
            select(CounterSession, Staff).join(Staff, Staff.id == CounterSession.staff_id)
            .where(CounterSession.business_date == uow.today)
            .order_by(col(CounterSession.id))
        ).all()
        latest: dict[int, tuple[CounterSession, Staff, int]] = {}
        for s, staff in sessions:
            count = latest[s.staff_id][2] + 1 if s.staff_id in latest else 1
            latest[s.staff_id] = (s, staff, count)
        balances = {
            b.teller_id: b for b in uow.session.exec(
                select(TellerBalance).where(TellerBalance.business_date == uow.today))
        }
        serving = {
            t.served_by: t.display_no for t in uow.session.exec(
                select(Ticket).where(Ticket.business_date == uow.today,
                                     col(Ticket.status).in_(qrules.AT_COUNTER)))
        }
        out = []
        for staff_id, (s, staff, count) in latest.items():
            if s.state == "closed":
                state = "signed_off"
            elif s.state == "break":
                state = "on_break"
            else:
                state = "serving" if staff_id in serving else "signed_on"
            b = balances.get(staff_id)
            out.append(TellerState(
                staff_id=staff_id, staff_no=staff.staff_no, name=staff.name,
                counter_no=s.counter_no, state=state, ticket_no=serving.get(staff_id, ""),
                sessions=count, balance_status=b.status if b else "",
                difference_fen=b.difference_fen if b and b.status != "draft" else None,
                difference_handled=bool(b and b.difference_handled_by),
            ))
        return sorted(out, key=lambda t: (t.counter_no, t.staff_no))
