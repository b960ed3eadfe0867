"""Shift hand-over (交接班) of a teller's counter and box.

The teller handing over counts the box by denomination and lists the important blank vouchers
by number range; the summary also carries what is still open (parked tickets, pending
authorisations) and what the books say the box holds. The receiving teller counts and confirms
with their PIN; a difference between what was declared and what was counted must be explained.
For the reasons configured (leave, transfer) a supervisor or officer witnesses (监交) — never one
of the two tellers. Both sides sign in the app: the one handing over by starting it, the one
receiving by confirming. On confirmation the counter passes to the receiver: the old session
closes and a new one opens with the counted cash.

Manual ch.2 §2.5 item 4 and §2.6 item 4 (balance and hand over after the shift), digest §6.5.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.model import CounterSession, ServiceRecord, ShiftHandover, Staff, Ticket
from wealthtui.model.status import CounterSessionState, HandoverStatus
from wealthtui.rules import queue as qrules
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.rules.money import parse_yuan
from wealthtui.services import cashbox
from wealthtui.services.auth import AuthService
from wealthtui.services.base import Actor, Context, Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

SECTION = service_section("handover.SECTION")
REASONS = ("shift", "leave", "transfer")
_DIGITS = re.compile(r"^[0-9A-Z]{1,30}$")


@dataclass(frozen=True)
class VoucherRange:
    kind: str
    first: str
    last: str

    @property
    def count(self) -> int:
        digits_first = re.sub(r"\D", "", self.first)
        digits_last = re.sub(r"\D", "", self.last)
        if not digits_first or not digits_last:
            return 0
        return int(digits_last) - int(digits_first) + 1


@dataclass(frozen=True)
class BoxSummary:
    """What the teller's box holds by the books, and what is still open at the counter."""

    counter_no: str
    teller_id: int
    expected_cash_fen: int
    figures: cashbox.BoxFigures
    open_tickets: tuple[str, ...]          # display numbers of tickets parked at the counter
    pending_authorizations: tuple[int, ...]  # service records awaiting authorisation


@dataclass(frozen=True)
class HandoverView:
    id: int
    business_date: Any
    counter_no: str
    reason: str
    status: str                 # open | confirmed | witnessed | cancelled
    witness_required: bool
    from_staff_id: int
    from_name: str
    to_staff_id: int | None
    to_name: str
    witness_id: int | None
    witness_name: str
    denominations: dict[int, int] = field(default_factory=dict)  # fen → count
    vouchers: tuple[VoucherRange, ...] = ()
    open_tickets: tuple[str, ...] = ()
    pending_authorizations: tuple[int, ...] = ()
    note: str = ""
    expected_cash_fen: int = 0
    declared_cash_fen: int = 0
    counted_cash_fen: int | None = None
    difference_fen: int = 0
    difference_note: str = ""
    created_at: datetime | None = None
    confirmed_at: datetime | None = None
    witnessed_at: datetime | None = None

    @property
    def awaiting_witness(self) -> bool:
        return self.status == "confirmed" and self.witness_required

    @property
    def complete(self) -> bool:
        return self.status == "witnessed" or (self.status == "confirmed"
                                              and not self.witness_required)


def _count(text: object, field_key: str) -> int:
    value = unicodedata.normalize("NFKC", str(text if text is not None else "")).strip()
    if not value:
        return 0
    if not value.isdigit() or len(value) > 7:
        raise FieldError(field_key, "error.handover.count")
    return int(value)


class HandoverService(Service):
    def __init__(self, ctx: Context, *, auth: AuthService) -> None:
        super().__init__(ctx)
        self._auth = auth

    def _views(self, uow: UnitOfWork, where: Any) -> list[HandoverView]:
        giver, taker, witness = aliased(Staff), aliased(Staff), aliased(Staff)
        rows = uow.session.exec(
            select(ShiftHandover, giver.name, taker.name, witness.name)
            .join(giver, giver.id == ShiftHandover.from_staff_id)
            .outerjoin(taker, taker.id == ShiftHandover.to_staff_id)
            .outerjoin(witness, witness.id == ShiftHandover.witness_id)
            .where(where)
            .order_by(col(ShiftHandover.created_at), col(ShiftHandover.id))
        ).all()
        out = []
        for h, from_name, to_name, witness_name in rows:
            summary = json.loads(h.summary_json or "{}")
            out.append(HandoverView(
                id=h.id or 0, business_date=h.business_date, counter_no=h.counter_no,
                reason=h.reason, status=h.status, witness_required=h.witness_required,
                from_staff_id=h.from_staff_id, from_name=from_name, to_staff_id=h.to_staff_id,
                to_name=to_name or "", witness_id=h.witness_id, witness_name=witness_name or "",
                denominations={int(k): v for k, v in summary.get("denominations", {}).items()},
                vouchers=tuple(VoucherRange(**v) for v in summary.get("vouchers", [])),
                open_tickets=tuple(summary.get("open_tickets", [])),
                pending_authorizations=tuple(summary.get("pending_authorizations", [])),
                note=summary.get("note", ""),
                expected_cash_fen=h.expected_cash_fen, declared_cash_fen=h.declared_cash_fen,
                counted_cash_fen=h.counted_cash_fen, difference_fen=h.difference_fen,
                difference_note=h.difference_note, created_at=h.created_at,
                confirmed_at=h.confirmed_at, witnessed_at=h.witnessed_at,
            ))
        return out

    def _view(self, uow: UnitOfWork, handover_id: int | None) -> HandoverView:
        return self._views(uow, ShiftHandover.id == handover_id)[0]

    def _load(self, uow: UnitOfWork, handover_id: int) -> ShiftHandover:
        h = uow.session.get(ShiftHandover, handover_id)
        if h is None:
            raise NotFound("error.handover.not_found", id=handover_id)
        return h

    def _session(self, uow: UnitOfWork, staff_id: int | None) -> CounterSession | None:
        return uow.session.exec(
            select(CounterSession).where(
                CounterSession.business_date == uow.today, CounterSession.staff_id == staff_id,
                CounterSession.state != CounterSessionState.CLOSED)
        ).first()

    def _summary(self, uow: UnitOfWork, session: CounterSession) -> BoxSummary:
        assert uow.actor_id is not None
        figures = cashbox.figures(uow.session, self.settings, uow.today, session.staff_id)
        parked = uow.session.exec(
            select(Ticket.display_no).where(
                Ticket.business_date == uow.today, Ticket.status == qrules.PARKED,
                Ticket.served_by == session.staff_id)
            .order_by(col(Ticket.id))
        ).all()
        pending = uow.session.exec(
            select(ServiceRecord.id).where(
                ServiceRecord.business_date == uow.today,
                ServiceRecord.staff_id == session.staff_id,
                ServiceRecord.outcome == "pending_auth")
        ).all()
        return BoxSummary(counter_no=session.counter_no, teller_id=session.staff_id,
                          expected_cash_fen=figures.expected_cash_fen, figures=figures,
                          open_tickets=tuple(parked),
                          pending_authorizations=tuple(i for i in pending if i is not None))

    def _denominations(self, counts: dict[int, object]) -> dict[int, int]:
        allowed = self.settings.counter.denominations_fen
        out: dict[int, int] = {}
        for fen, text in counts.items():
            if int(fen) not in allowed:
                raise FieldError("counter.field.denomination", "error.field.choice",
                                 accepted=", ".join(f"{d / 100:g}" for d in allowed))
            n = _count(text, "counter.field.denomination")
            if n:
                out[int(fen)] = n
        return dict(sorted(out.items(), reverse=True))

    def _vouchers(self, ranges: list[tuple[str, str, str]]) -> list[VoucherRange]:
        kinds = [v.code for v in self.settings.counter.voucher_kinds]
        out = []
        for kind, first, last in ranges:
            first = unicodedata.normalize("NFKC", first or "").strip().upper()
            last = unicodedata.normalize("NFKC", last or "").strip().upper() or first
            if not first:
                continue
            if kind not in kinds:
                raise FieldError("counter.field.voucher_kind", "error.field.choice",
                                 accepted=", ".join(kinds))
            if not _DIGITS.match(first) or not _DIGITS.match(last) or len(first) != len(last) \
                    or last < first:
                raise FieldError("counter.field.voucher_range", "error.handover.voucher_range")
            out.append(VoucherRange(kind, first, last))
        return out

    # --- reading ---------------------------------------------------------------------------
    @requires("handover.shift", write=False)
    def box(self, uow: UnitOfWork) -> BoxSummary:
        """The actor's box by the books, with what is still open at their counter."""
        session = self._session(uow, uow.actor_id)
        if session is None:
            raise Conflict("error.counter.not_signed_on")
        return self._summary(uow, session)

    @requires("handover.shift", write=False)
    def get(self, uow: UnitOfWork, handover_id: int) -> HandoverView:
        self._load(uow, handover_id)
        return self._view(uow, handover_id)

    @requires("handover.shift", write=False)
    def open_mine(self, uow: UnitOfWork) -> HandoverView | None:
        """The actor's hand-over that still waits for the receiver, if any."""
        views = self._views(uow, (ShiftHandover.from_staff_id == uow.actor_id)
                            & (ShiftHandover.status == HandoverStatus.OPEN))
        return views[-1] if views else None

    @requires("counter.oversee", write=False)
    def today(self, uow: UnitOfWork) -> list[HandoverView]:
        return self._views(uow, ShiftHandover.business_date == uow.today)

    @requires("handover.witness", write=False)
    def awaiting_witness(self, uow: UnitOfWork) -> list[HandoverView]:
        """Confirmed hand-overs that still need a witness, for the supervisor's view."""
        return self._views(uow, (ShiftHandover.status == HandoverStatus.CONFIRMED)
                           & (ShiftHandover.witness_required == True))  # noqa: E712

    # --- the one handing over --------------------------------------------------------------
    @requires("handover.shift")
    def start(
        self,
        uow: UnitOfWork,
        reason: str,
        denominations: dict[int, object],
        vouchers: list[tuple[str, str, str]] | None = None,
        note: str = "",
    ) -> HandoverView:
        """Declare the box for hand-over: cash counted by denomination (fen → count) and the
        blank vouchers by (kind, first number, last number)."""
        if reason not in REASONS:
            raise FieldError("counter.field.handover_reason", "error.field.choice",
                             accepted=", ".join(REASONS))
        session = self._session(uow, uow.actor_id)
        if session is None:
            raise Conflict("error.counter.not_signed_on")
        busy = uow.session.exec(
            select(Ticket.display_no).where(
                Ticket.business_date == uow.today, Ticket.counter_no == session.counter_no,
                col(Ticket.status).in_(qrules.AT_COUNTER))
        ).first()
        if busy is not None:
            raise Conflict("error.counter.ticket_open", ticket=busy)
        already = uow.session.exec(
            select(ShiftHandover.id).where(ShiftHandover.from_staff_id == uow.actor_id,
                                           ShiftHandover.status == HandoverStatus.OPEN)
        ).first()
        if already is not None:
            raise Conflict("error.handover.already_open", id=already)
        counts = self._denominations(denominations)
        ranges = self._vouchers(vouchers or [])
        note = parse_text(note, "field.note", max_len=500)
        summary = self._summary(uow, session)
        declared = sum(fen * n for fen, n in counts.items())
        assert uow.actor_id is not None
        h = ShiftHandover(
            business_date=uow.today, counter_no=session.counter_no, from_staff_id=uow.actor_id,
            reason=reason, witness_required=reason in self.settings.counter.witness_reasons,
            summary_json=json.dumps({
                "denominations": {str(k): v for k, v in counts.items()},
                "vouchers": [vars(r) for r in ranges],
                "open_tickets": list(summary.open_tickets),
                "pending_authorizations": list(summary.pending_authorizations),
                "figures": json.loads(summary.figures.to_json()),
                "note": note,
            }, ensure_ascii=False, sort_keys=True),
            expected_cash_fen=summary.expected_cash_fen, declared_cash_fen=declared,
            from_session_id=session.id, status=HandoverStatus.OPEN, created_at=uow.now,
        )
        uow.session.add(h)
        uow.session.flush()
        uow.audit("handover.start", "shift_handover", h.id, manual_section=SECTION,
                  counter=session.counter_no, reason=reason, declared_cash_fen=declared,
                  expected_cash_fen=summary.expected_cash_fen, vouchers=len(ranges))
        return self._view(uow, h.id)

    @requires("handover.shift")
    def cancel(self, uow: UnitOfWork, handover_id: int, reason: str) -> HandoverView:
        h = self._load(uow, handover_id)
        if h.from_staff_id != uow.actor_id:
            raise PermissionDenied("error.handover.not_yours")
        if h.status != "open":
            raise Conflict("error.handover.not_open")
        reason = parse_text(reason, "field.reason", max_len=200, required=True)
        h.status = HandoverStatus.CANCELLED
        uow.session.add(h)
        uow.audit("handover.cancel", "shift_handover", h.id, manual_section=SECTION,
                  reason=reason)
        return self._view(uow, h.id)

    # --- the one receiving -----------------------------------------------------------------
    @requires("handover.shift")
    def confirm(self, uow: UnitOfWork, handover_id: int, counted_cash: str,
                difference_note: str = "") -> HandoverView:
        """The receiving teller counts the box and confirms; a difference from what was declared
        needs an explanation. The counter passes to the receiver."""
        h = self._load(uow, handover_id)
        if h.status != "open":
            raise Conflict("error.handover.not_open")
        if h.from_staff_id == uow.actor_id:
            raise PermissionDenied("error.handover.own_work")
        counted = parse_yuan(counted_cash, "counter.field.counted_cash", allow_zero=True)
        difference = counted - h.declared_cash_fen
        difference_note = parse_text(difference_note, "counter.field.difference_note", max_len=500)
        if difference and not difference_note:
            raise FieldError("counter.field.difference_note", "error.handover.explain")
        if self._session(uow, uow.actor_id) is not None:
            raise Conflict("error.handover.receiver_signed_on")
        old = uow.session.get(CounterSession, h.from_session_id) if h.from_session_id else None
        if old is not None and old.state != "closed":
            old.state, old.ended_at = "closed", uow.now
            uow.session.add(old)
        assert uow.actor_id is not None
        new = CounterSession(business_date=uow.today, counter_no=h.counter_no,
                             staff_id=uow.actor_id, state="open", started_at=uow.now,
                             opening_cash_fen=counted)
        uow.session.add(new)
        uow.session.flush()
        h.to_staff_id, h.counted_cash_fen, h.difference_fen = uow.actor_id, counted, difference
        h.difference_note, h.confirmed_at, h.status = difference_note, uow.now, "confirmed"
        h.to_session_id = new.id
        uow.session.add(h)
        uow.audit("handover.confirm", "shift_handover", h.id, manual_section=SECTION,
                  counter=h.counter_no, counted_cash_fen=counted, difference_fen=difference,
                  from_staff_id=h.from_staff_id)
        return self._view(uow, h.id)

    def confirm_at_counter(self, giver: Actor, handover_id: int, staff_no: str, pin: str,
                           counted_cash: str, difference_note: str = "") -> HandoverView:
        """The receiver confirms on the giver's terminal with their staff number and PIN."""
        taker = self._auth.second_person(giver, staff_no, pin, "handover.shift")
        return self.confirm(taker, handover_id, counted_cash, difference_note)

    # --- the witness -----------------------------------------------------------------------
    @requires("handover.witness")
    def witness(self, uow: UnitOfWork, handover_id: int, note: str = "") -> HandoverView:
        """Witness (监交) a confirmed hand-over; never one of the two tellers."""
        h = self._load(uow, handover_id)
        if h.status != "confirmed" or not h.witness_required:
            raise Conflict("error.handover.no_witness")
        if uow.actor_id in (h.from_staff_id, h.to_staff_id):
            raise PermissionDenied("error.handover.own_work")
        note = parse_text(note, "field.note", max_len=500)
        h.witness_id, h.witnessed_at, h.status = uow.actor_id, uow.now, "witnessed"
        uow.session.add(h)
        uow.audit("handover.witness", "shift_handover", h.id, manual_section=SECTION, note=note)
        return self._view(uow, h.id)

    def witness_at_counter(self, actor: Actor, handover_id: int, staff_no: str,
                           pin: str) -> HandoverView:
        witness = self._auth.second_person(actor, staff_no, pin, "handover.witness")
        return self.witness(witness, handover_id)
