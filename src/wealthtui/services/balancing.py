"""End-of-day balancing (轧账) of each teller and of the outlet, with the five matches.

The teller's figures come from the day's records (services.cashbox): the number of items per
business type, cash in, cash out and the expected closing cash (opening + received − handed
over + in − out). The teller enters the cash counted and ticks the five matches
(账账、账实、账证、账款、账据相符); with counted cash not equal to the expected the cash matches
(账实、账款) cannot be ticked, so the five are never confirmed beside a difference. A difference —
counted cash not equal to the expected, or a match not ticked — blocks the teller's sign-off
until the supervisor records how it is handled
(overage returned, shortage made good, suspense account, entry corrected). The supervisor signs
off each teller (never their own balance), then the outlet once every teller who worked that day
is signed off; the head's close of the business day asks `tellers_not_signed_off`.

Manual ch.2 §2.3 item 4 (supervisor: outlet balancing sheet, five matches), §2.5 item 4 and
§2.6 item 4 (tellers balance after the shift), digest §6.5.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from wealthtui.citations import service_section
from wealthtui.i18n import Listed
from wealthtui.model import (
    CounterSession,
    OutletBalance,
    ShiftHandover,
    Staff,
    TellerBalance,
    Ticket,
)
from wealthtui.model.status import BalanceStatus, CounterSessionState, HandoverStatus
from wealthtui.rules import queue as qrules
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.rules.money import format_fen, parse_yuan
from wealthtui.services import cashbox
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

TELLER_SECTION = service_section("balancing.TELLER_SECTION")
OUTLET_SECTION = service_section("balancing.OUTLET_SECTION")
#: the five matches: 账账 (ledgers), 账实 (physical), 账证 (vouchers), 账款 (cash), 账据 (receipts)
MATCHES = ("accounts", "physical", "vouchers", "cash", "receipts")
HANDLINGS = ("returned", "borne", "suspense", "corrected")
#: the matches a cash difference contradicts: 账实 (cash counted = books) and 账款 (cash = ledger);
#: with a difference the five cannot all be confirmed — the supervisor handles it
CASH_MATCHES = ("physical", "cash")


@dataclass(frozen=True)
class BalanceView:
    business_date: date
    teller_id: int
    teller_name: str
    figures: cashbox.BoxFigures
    id: int | None = None
    status: str = "draft"      # draft (nothing submitted) | submitted | signed_off
    counted_cash_fen: int | None = None
    difference_fen: int | None = None
    matches: dict[str, bool] = field(default_factory=dict)
    teller_note: str = ""
    difference_handling: str = ""
    difference_note: str = ""
    handled_by_name: str = ""
    submitted_at: datetime | None = None
    signed_off_by_name: str = ""
    signed_off_at: datetime | None = None
    #: the figures as submitted, when the records have changed since (`figures` are then today's)
    submitted_figures: cashbox.BoxFigures | None = None

    @property
    def changed_since_submitted(self) -> bool:
        return self.submitted_figures is not None

    @property
    def has_difference(self) -> bool:
        """Counted cash differs from the books, or a match is not ticked."""
        if self.status == "draft":
            return False
        return bool(self.difference_fen) or not all(self.matches.get(m) for m in MATCHES)

    @property
    def handled(self) -> bool:
        return bool(self.difference_handling)

    @property
    def blocked(self) -> bool:
        return self.has_difference and not self.handled


@dataclass(frozen=True)
class OutletView:
    business_date: date
    tellers: tuple[BalanceView, ...]
    cash_in_fen: int
    cash_out_fen: int
    expected_cash_fen: int
    counted_cash_fen: int
    difference_fen: int
    items: dict[str, int]
    signed_off_by_name: str = ""
    signed_off_at: datetime | None = None

    @property
    def not_signed_off(self) -> tuple[BalanceView, ...]:
        return tuple(b for b in self.tellers if b.status != "signed_off")


def _matches_of(b: TellerBalance) -> dict[str, bool]:
    return {"accounts": b.match_accounts, "physical": b.match_physical,
            "vouchers": b.match_vouchers, "cash": b.match_cash, "receipts": b.match_receipts}


def tellers_not_signed_off(session: Session, day: date) -> list[int]:
    """Staff ids of everyone who signed on to a counter on `day` and whose balance the supervisor
    has not signed off. Empty: every teller is signed off (the day may close)."""
    signed = set(session.exec(
        select(TellerBalance.teller_id).where(TellerBalance.business_date == day,
                                              TellerBalance.status == BalanceStatus.SIGNED_OFF)
    ).all())
    return [t for t in cashbox.tellers_of_day(session, day) if t not in signed]


class BalancingService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService) -> None:
        super().__init__(ctx)
        self._checklists = checklists

    def _view(self, uow: UnitOfWork, day: date, teller_id: int,
              b: TellerBalance | None = None) -> BalanceView:
        teller = uow.session.get(Staff, teller_id)
        if b is None:
            b = uow.session.exec(
                select(TellerBalance).where(TellerBalance.business_date == day,
                                            TellerBalance.teller_id == teller_id)
            ).first()
        if b is None or b.status == "draft":
            figures = cashbox.figures(uow.session, self.settings, day, teller_id)
            return BalanceView(business_date=day, teller_id=teller_id,
                               teller_name=teller.name if teller else "", figures=figures,
                               id=b.id if b else None)
        stored = json.loads(b.figures_json or "{}")
        stored["business_date"] = date.fromisoformat(str(stored.get("business_date", day)))
        figures = cashbox.BoxFigures(**stored)
        handler = uow.session.get(Staff, b.difference_handled_by) if b.difference_handled_by \
            else None
        signer = uow.session.get(Staff, b.signed_off_by) if b.signed_off_by else None
        return BalanceView(
            business_date=day, teller_id=teller_id, teller_name=teller.name if teller else "",
            figures=figures, id=b.id, status=b.status, counted_cash_fen=b.counted_cash_fen,
            difference_fen=b.difference_fen, matches=_matches_of(b), teller_note=b.teller_note,
            difference_handling=b.difference_handling, difference_note=b.difference_note,
            handled_by_name=handler.name if handler else "", submitted_at=b.submitted_at,
            signed_off_by_name=signer.name if signer else "", signed_off_at=b.signed_off_at,
        )

    def _load(self, uow: UnitOfWork, balance_id: int) -> TellerBalance:
        b = uow.session.get(TellerBalance, balance_id)
        if b is None:
            raise NotFound("error.balance.not_found", id=balance_id)
        return b

    # --- the teller ------------------------------------------------------------------------
    @requires("balance.enter", write=False)
    def mine(self, uow: UnitOfWork, day: date | None = None) -> BalanceView:
        """The actor's figures for the day as the records stand now, with what they entered.
        After a submission the figures are read afresh too: when business was recorded since,
        `figures` are today's and `submitted_figures` those submitted (submit again)."""
        assert uow.actor_id is not None
        day = day or uow.today
        view = self._view(uow, day, uow.actor_id)
        if view.status != "submitted":
            return view
        fresh = cashbox.figures(uow.session, self.settings, day, uow.actor_id)
        if fresh.to_json() == view.figures.to_json():
            return view
        return replace(view, figures=fresh, submitted_figures=view.figures)

    @requires("balance.enter")
    def submit(self, uow: UnitOfWork, counted_cash: str, matches: dict[str, bool],
               note: str = "") -> BalanceView:
        """Enter the cash counted and the matches ticked. Refused while a ticket is at the
        teller's counter, a business awaits authorisation, or a hand-over is unconfirmed.
        Submitting again (before sign-off) replaces the figures and clears any handling. The
        teller's end-of-day routine records the matches ticked (its match_* steps) with it."""
        assert uow.actor_id is not None
        unknown = set(matches) - set(MATCHES)
        if unknown:
            raise FieldError("counter.field.matches", "error.field.choice", accepted=", ".join(MATCHES))
        counted = parse_yuan(counted_cash, "counter.field.counted_cash", allow_zero=True)
        note = parse_text(note, "field.note", max_len=500)
        busy = uow.session.exec(
            select(Ticket.display_no).where(
                Ticket.business_date == uow.today, Ticket.served_by == uow.actor_id,
                col(Ticket.status).in_(qrules.AT_COUNTER))
        ).first()
        if busy is not None:
            raise Conflict("error.counter.ticket_open", ticket=busy)
        handover = uow.session.exec(
            select(ShiftHandover.id).where(ShiftHandover.from_staff_id == uow.actor_id,
                                           ShiftHandover.status == HandoverStatus.OPEN)
        ).first()
        if handover is not None:
            raise Conflict("error.balance.handover_open", id=handover)
        figures = cashbox.figures(uow.session, self.settings, uow.today, uow.actor_id)
        if figures.pending_authorizations:
            raise Conflict("error.balance.pending_auth", count=figures.pending_authorizations)
        difference = counted - figures.expected_cash_fen
        contradicted = [m for m in CASH_MATCHES if matches.get(m)]
        if difference and contradicted:
            raise FieldError("counter.field.matches", "cashbox.error.matches_with_difference",
                             difference=format_fen(difference),
                             expected=format_fen(figures.expected_cash_fen),
                             counted=format_fen(counted))
        b = uow.session.exec(
            select(TellerBalance).where(TellerBalance.business_date == uow.today,
                                        TellerBalance.teller_id == uow.actor_id)
        ).first()
        if b is not None and b.status == "signed_off":
            raise Conflict("error.balance.signed_off")
        if b is None:
            b = TellerBalance(business_date=uow.today, teller_id=uow.actor_id)
        b.figures_json = figures.to_json()
        b.expected_cash_fen, b.counted_cash_fen = figures.expected_cash_fen, counted
        b.difference_fen = difference
        b.match_accounts = bool(matches.get("accounts"))
        b.match_physical = bool(matches.get("physical"))
        b.match_vouchers = bool(matches.get("vouchers"))
        b.match_cash = bool(matches.get("cash"))
        b.match_receipts = bool(matches.get("receipts"))
        b.teller_note = note
        b.difference_handling, b.difference_note = "", ""
        b.difference_handled_by, b.difference_handled_at = None, None
        b.status, b.submitted_at = "submitted", uow.now
        uow.session.add(b)
        uow.session.flush()
        uow.audit("balance.submit", "teller_balance", b.id, manual_section=TELLER_SECTION,
                  expected_cash_fen=b.expected_cash_fen, counted_cash_fen=counted,
                  difference_fen=b.difference_fen, items=figures.total_items,
                  matches=[m for m in MATCHES if matches.get(m)])
        # the teller's end-of-day routine: the matches ticked here are its match_* steps
        self._checklists.confirm_in(uow, "five_matches", uow.today, subject_staff_id=uow.actor_id)
        return self._view(uow, uow.today, uow.actor_id, b)

    # --- the supervisor --------------------------------------------------------------------
    @requires("balance.signoff", write=False)
    def today(self, uow: UnitOfWork, day: date | None = None) -> list[BalanceView]:
        """Every teller of the day with their balance (draft when nothing was submitted)."""
        day = day or uow.today
        return [self._view(uow, day, t) for t in cashbox.tellers_of_day(uow.session, day)]

    def _not_own(self, uow: UnitOfWork, b: TellerBalance) -> None:
        if b.teller_id == uow.actor_id:
            raise PermissionDenied("error.balance.own_work")

    @requires("balance.signoff")
    def handle_difference(self, uow: UnitOfWork, balance_id: int, handling: str,
                          note: str) -> BalanceView:
        """Record how a teller's difference is handled; this unblocks the sign-off."""
        b = self._load(uow, balance_id)
        self._not_own(uow, b)
        if b.status != "submitted":
            raise Conflict("error.balance.signed_off" if b.status == "signed_off"
                           else "error.balance.not_submitted")
        view = self._view(uow, b.business_date, b.teller_id, b)
        if not view.has_difference:
            raise Conflict("error.balance.no_difference")
        if handling not in HANDLINGS:
            raise FieldError("counter.field.difference_handling", "error.field.choice",
                             accepted=", ".join(HANDLINGS))
        note = parse_text(note, "counter.field.difference_note", max_len=500, required=True)
        b.difference_handling, b.difference_note = handling, note
        b.difference_handled_by, b.difference_handled_at = uow.actor_id, uow.now
        uow.session.add(b)
        uow.audit("balance.difference", "teller_balance", b.id, manual_section=OUTLET_SECTION,
                  teller_id=b.teller_id, difference_fen=b.difference_fen, handling=handling,
                  note=note)
        return self._view(uow, b.business_date, b.teller_id, b)

    @requires("balance.signoff")
    def sign_off(self, uow: UnitOfWork, balance_id: int) -> BalanceView:
        """Sign off a teller's balance (never one's own). Refused while a difference is not
        handled, or when the records changed since the teller submitted. The teller's counter
        session, if still open, is closed. The teller's end-of-day routine records its
        supervisor's sign-off step (signed by the actor) and "box handed in" with it."""
        b = self._load(uow, balance_id)
        self._not_own(uow, b)
        if b.status != "submitted":
            raise Conflict("error.balance.signed_off" if b.status == "signed_off"
                           else "error.balance.not_submitted")
        now_figures = cashbox.figures(uow.session, self.settings, b.business_date, b.teller_id)
        if now_figures.to_json() != b.figures_json:
            raise Conflict("error.balance.changed")
        view = self._view(uow, b.business_date, b.teller_id, b)
        if view.blocked:
            raise Conflict("error.balance.difference_unhandled", name=view.teller_name)
        busy = uow.session.exec(
            select(Ticket.display_no).where(
                Ticket.business_date == b.business_date, Ticket.served_by == b.teller_id,
                col(Ticket.status).in_(qrules.AT_COUNTER))
        ).first()
        if busy is not None:
            raise Conflict("error.counter.ticket_open", ticket=busy)
        for session in uow.session.exec(
            select(CounterSession).where(CounterSession.business_date == b.business_date,
                                         CounterSession.staff_id == b.teller_id,
                                         CounterSession.state != CounterSessionState.CLOSED)
        ):
            session.state, session.ended_at = "closed", uow.now
            uow.session.add(session)
        b.status, b.signed_off_by, b.signed_off_at = "signed_off", uow.actor_id, uow.now
        uow.session.add(b)
        uow.audit("balance.sign_off", "teller_balance", b.id, manual_section=OUTLET_SECTION,
                  teller_id=b.teller_id, difference_fen=b.difference_fen,
                  handling=b.difference_handling)
        # the teller's end-of-day routine: the supervisor's sign-off, and the box handed in
        # when this closed the counter session left open
        for fact in ("counter_sign_off", "balance_signoff"):
            self._checklists.confirm_in(uow, fact, b.business_date, subject_staff_id=b.teller_id)
        return self._view(uow, b.business_date, b.teller_id, b)

    def _outlet(self, uow: UnitOfWork, day: date) -> OutletView:
        tellers = tuple(self._view(uow, day, t) for t in cashbox.tellers_of_day(uow.session, day))
        items: dict[str, int] = {}
        for t in tellers:
            for k, v in t.figures.items.items():
                items[k] = items.get(k, 0) + v
        signed = uow.session.get(OutletBalance, day)
        signer = uow.session.get(Staff, signed.signed_off_by) if signed else None
        return OutletView(
            business_date=day, tellers=tellers,
            cash_in_fen=sum(t.figures.cash_in_fen for t in tellers),
            cash_out_fen=sum(t.figures.cash_out_fen for t in tellers),
            expected_cash_fen=sum(t.figures.expected_cash_fen for t in tellers),
            counted_cash_fen=sum(t.counted_cash_fen or 0 for t in tellers),
            difference_fen=sum(t.difference_fen or 0 for t in tellers),
            items=items, signed_off_by_name=signer.name if signer else "",
            signed_off_at=signed.signed_off_at if signed else None,
        )

    @requires("counter.oversee", write=False)
    def outlet(self, uow: UnitOfWork, day: date | None = None) -> OutletView:
        """The outlet's figures: every teller of the day and the totals."""
        return self._outlet(uow, day or uow.today)

    @requires("balance.outlet")
    def sign_off_outlet(self, uow: UnitOfWork, note: str = "") -> OutletView:
        """Sign off the outlet's balance for today, once every teller is signed off. The outlet
        routine's step that `confirms = "outlet_signoff"` is recorded with it (the routine does
        not ask to tick what this did)."""
        day = uow.today
        if uow.session.get(OutletBalance, day) is not None:
            raise Conflict("error.balance.outlet_done")
        view = self._outlet(uow, day)
        if not view.tellers:
            raise Conflict("error.balance.no_tellers")
        if view.not_signed_off:
            names = Listed(t.teller_name for t in view.not_signed_off)  # worded when shown
            raise Conflict("error.balance.tellers_pending", names=names)
        note = parse_text(note, "field.note", max_len=500)
        assert uow.actor_id is not None
        uow.session.add(OutletBalance(
            business_date=day, tellers=len(view.tellers), difference_fen=view.difference_fen,
            figures_json=json.dumps({
                "cash_in_fen": view.cash_in_fen, "cash_out_fen": view.cash_out_fen,
                "expected_cash_fen": view.expected_cash_fen,
                "counted_cash_fen": view.counted_cash_fen, "items": view.items,
            }, ensure_ascii=False, sort_keys=True),
            signed_off_by=uow.actor_id, signed_off_at=uow.now, note=note,
        ))
        uow.session.flush()
        uow.audit("balance.outlet", "outlet_balance", day.isoformat(),
                  manual_section=OUTLET_SECTION, tellers=len(view.tellers),
                  difference_fen=view.difference_fen)
        self._checklists.confirm_in(uow, "outlet_signoff", day)
        return self._outlet(uow, day)

    @requires("counter.oversee", write=False)
    def not_signed_off(self, uow: UnitOfWork, day: date | None = None) -> list[str]:
        """Names of the tellers of the day not yet signed off (the head's close needs none)."""
        ids = tellers_not_signed_off(uow.session, day or uow.today)
        if not ids:
            return []
        staff = aliased(Staff)
        return list(uow.session.exec(
            select(staff.name).where(col(staff.id).in_(ids)).order_by(col(staff.staff_no))
        ).all())
