"""Appointments (预约, issue 18): booked by a CM (from a contact or the agenda), by the lobby, or
entered from a 95588 / online banking request; the CM's day and week and the lobby's day; the
check-in at the lobby, which counts as an arrival; late arrivals and no-shows; the large cash the
supervisor prepares the day before and the counter's large-cash rule.

    services.appointments.book(actor, client_id=7, purpose="wealth", start=at, staff_id=cm_id)
    services.appointments.by_reference(lobby, "99000000073")  # the confirmation's QR code
    services.appointments.check_in(lobby, appointment_id)     # the visit + a ticket or the CM
    services.appointments.calendar(actor, cm_id, day, days=7)
    services.appointments.mark_no_shows(lobby)
    services.appointments.large_cash_tomorrow(supervisor)

Check-in goes through the lobby's own path (LobbyService.arrive, then guide for a ticket): the
ticket is issued in the purpose's lane and called before the walk-ins of that lane
(rules.queue.order_waiting: the `appointment` flag; premium lanes keep their priority). An
appointment with a CM instead hands the client to that CM at once (a premium-arrival hand-off).

Booking queues the confirmation notice (services.notices, template `appointment_confirmation`)
in the same transaction, to the client's (or the prospect's) masked mobile, or for the desk to
print when there is none; its reference (`AppointmentView.reference`, rules.scans) is the payload
of the QR code the lobby's scanner reads back (`by_reference`).

Basis: manual digest (appointments reach the outlet from 95588 and online banking; the CM
prepares for and receives appointed clients) — practice, cited as the digest, not as manual text
we hold. Large cash booked the day before is common bank practice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import aliased
from sqlmodel import col, select

from wealthtui.citations import service_section
from wealthtui.config import AppointmentPurposeCfg
from wealthtui.i18n import catalog
from wealthtui.model import Appointment, Client, Handoff, Staff, Ticket
from wealthtui.rules import appointments as rules
from wealthtui.rules import permissions, scans
from wealthtui.rules.clock import day_bounds_utc
from wealthtui.rules.fields import FieldError, parse_mobile, parse_name, parse_text
from wealthtui.rules.money import parse_yuan
from wealthtui.services import masking
from wealthtui.services.appointment_cash import large_cash_in
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.context import Context
from wealthtui.services.errors import Conflict, NotFound
from wealthtui.services.handoffs import OPEN, HandoffService
from wealthtui.services.lobby import ARRIVAL, LobbyService, VisitView
from wealthtui.services.notices import NoticeService

SECTION = service_section("appointments.SECTION")  # 95588/online requests, the CM prepares (docstring)


@dataclass(frozen=True)
class AppointmentView:
    id: int
    client_id: int | None
    client_name: str          # the client's name, or the prospect's contact name
    contact_phone: str        # a prospect's phone, masked
    purpose: str
    purpose_name: str
    purpose_name_en: str
    business_date: date
    start_at: datetime
    end_at: datetime
    staff_id: int | None
    staff_name: str
    source: str
    amount_fen: int
    denominations: str
    status: str
    late: bool
    checked_in_at: datetime | None
    visit_id: int | None
    ticket_id: int | None
    ticket_no: str
    handoff_id: int | None
    booked_by: int
    note: str
    cancel_reason: str
    notice_id: int | None = None  # the confirmation queued by this booking (book's answer only)

    @property
    def reference(self) -> str:
        """The reference on the confirmation and in its QR code (rules.scans)."""
        return scans.reference(self.id)


@dataclass(frozen=True)
class CashPlan:
    """The large cash to prepare for a day: the appointments, the total and the sums by the
    denominations asked for (as written)."""

    day: date
    appointments: tuple[AppointmentView, ...]
    total_fen: int
    by_denomination: tuple[tuple[str, int], ...]


class AppointmentService(Service):
    def __init__(self, ctx: Context, *, lobby: LobbyService, handoffs: HandoffService,
                 notices: NoticeService) -> None:
        super().__init__(ctx)
        self._lobby = lobby
        self._handoffs = handoffs
        self._notices = notices

    # --- helpers ---------------------------------------------------------------------------
    def _purpose(self, code: str) -> AppointmentPurposeCfg:
        purpose = self.settings.appointments.purpose(code)
        if purpose is None:
            accepted = ", ".join(p.code for p in self.settings.appointments.purposes)
            raise FieldError("appointments.field.purpose", "error.field.choice", accepted=accepted)
        return purpose

    def _load(self, uow: UnitOfWork, appointment_id: int, *, lock: bool = False) -> Appointment:
        """The appointment; `lock`: its row locked for this write (PostgreSQL; SQLite's write
        transactions do not interleave), so two desks never check in or cancel it twice."""
        query = select(Appointment).where(Appointment.id == appointment_id)
        row = uow.session.exec(query.with_for_update() if lock else query).first()
        if row is None:
            raise NotFound("appointments.error.not_found", id=appointment_id)
        return row

    def _hhmm(self, at: datetime) -> str:
        return at.astimezone(self.ctx.tz).strftime("%H:%M")

    def _slot_text(self, start: datetime, end: datetime) -> str:
        local = start.astimezone(self.ctx.tz)
        return f"{local:%Y-%m-%d} {self._hhmm(start)}–{self._hhmm(end)}"

    def _check_slot(self, uow: UnitOfWork, start: datetime, end: datetime) -> None:
        """Not in the past, on an open day, inside the opening hours."""
        if start < uow.now:
            raise FieldError("appointments.field.start", "appointments.error.past",
                             time=self._slot_text(start, end))
        cal = self.settings.calendar
        days = cal.open_days()
        local_start, local_end = start.astimezone(self.ctx.tz), end.astimezone(self.ctx.tz)
        if not days.is_open(local_start.date()) or not rules.within_hours(
                local_start, local_end, days.opens, days.closes):
            raise FieldError("appointments.field.start", "appointments.error.closed",
                             time=self._slot_text(start, end), opens=cal.opens, closes=cal.closes)

    def _check_conflicts(self, uow: UnitOfWork, start: datetime, end: datetime,
                         staff_id: int | None, client_id: int | None) -> None:
        """The staff member's (and the client's) slots that overlap are refused."""
        for column, value, key in ((Appointment.staff_id, staff_id, "appointments.error.conflict"),
                                   (Appointment.client_id, client_id,
                                    "appointments.error.client_conflict")):
            if value is None:
                continue
            clash = uow.session.exec(
                select(Appointment).where(column == value,
                                          col(Appointment.status).in_(rules.HOLDING),
                                          col(Appointment.start_at) < end,
                                          col(Appointment.end_at) > start)
                .order_by(col(Appointment.start_at))
            ).first()
            if clash is not None:
                raise FieldError("appointments.field.start", key,
                                 time=self._slot_text(clash.start_at, clash.end_at))

    def _views(self, uow: UnitOfWork, where) -> list[AppointmentView]:  # type: ignore[no-untyped-def]
        with_staff = aliased(Staff)
        rows = uow.session.exec(
            select(Appointment, Client.name, with_staff.name, Ticket.display_no)
            .outerjoin(Client, Client.id == Appointment.client_id)
            .outerjoin(with_staff, with_staff.id == Appointment.staff_id)
            .outerjoin(Ticket, Ticket.id == Appointment.ticket_id)
            .where(where)
            .order_by(col(Appointment.start_at), col(Appointment.id))
        ).all()
        out = []
        for a, client_name, staff_name, ticket_no in rows:
            purpose = self.settings.appointments.purpose(a.purpose)
            assert a.id is not None
            out.append(AppointmentView(
                id=a.id, client_id=a.client_id, client_name=client_name or a.contact_name,
                contact_phone=masking.phone(self.settings, a.contact_phone),
                purpose=a.purpose, purpose_name=purpose.name if purpose else a.purpose,
                purpose_name_en=purpose.name_en if purpose else a.purpose,
                business_date=a.business_date, start_at=a.start_at, end_at=a.end_at,
                staff_id=a.staff_id, staff_name=staff_name or "", source=a.source,
                amount_fen=a.amount_fen, denominations=a.denominations, status=a.status,
                late=a.late, checked_in_at=a.checked_in_at, visit_id=a.visit_id,
                ticket_id=a.ticket_id, ticket_no=ticket_no or "", handoff_id=a.handoff_id,
                booked_by=a.booked_by, note=a.note, cancel_reason=a.cancel_reason))
        return out

    def _view(self, uow: UnitOfWork, appointment_id: int) -> AppointmentView:
        return self._views(uow, Appointment.id == appointment_id)[0]

    # --- booking ---------------------------------------------------------------------------
    @requires("appointment.book")
    def book(
        self,
        uow: UnitOfWork,
        *,
        purpose: str,
        start: datetime,
        client_id: int | None = None,
        contact_name: str = "",
        contact_phone: str = "",
        minutes: int | None = None,
        staff_id: int | None = None,
        source: str = "lobby",
        amount: str = "",
        denominations: str = "",
        note: str = "",
        confirm: bool = True,
    ) -> AppointmentView:
        """Book a slot: a client (or a prospect's name and mobile) for a purpose at `start`
        (aware) for `minutes` (the purpose's default), with `staff_id` or any counter. Refused
        with a FieldError naming the field: in the past, outside the opening days and hours, an
        overlapping slot of the same staff member (or of the same client). A large-cash purpose
        needs the amount (yuan) and takes the denominations wanted. `confirm`: queue the
        confirmation notice in the same transaction (by SMS to the masked mobile; for the desk
        to print when there is none); its id is the answer's `notice_id`."""
        cfg = self._purpose(purpose)
        if source not in rules.SOURCES:
            raise FieldError("appointments.field.source", "error.field.choice",
                             accepted=", ".join(rules.SOURCES))
        if start.tzinfo is None:
            raise FieldError("appointments.field.start", "appointments.error.naive_time")
        length = cfg.minutes if minutes is None else minutes
        if not 5 <= length <= 480:
            raise FieldError("appointments.field.minutes", "appointments.error.minutes")
        end = start + timedelta(minutes=length)
        name = phone = ""
        if client_id is not None:
            if uow.session.get(Client, client_id) is None:
                raise NotFound("error.client.not_found", id=client_id)
        else:
            name = parse_name(contact_name)
            phone = parse_mobile(contact_phone)
        if staff_id is not None:
            staff = uow.session.exec(  # the row lock serialises bookings with this person
                select(Staff).where(Staff.id == staff_id).with_for_update()).first()
            if staff is None or not staff.active:
                raise FieldError("appointments.field.staff", "appointments.error.no_staff")
        amount_fen, denoms = 0, ""
        if cfg.large_cash:
            amount_fen = parse_yuan(amount, "field.amount")
            denoms = parse_text(denominations, "appointments.field.denominations", max_len=200)
        note = parse_text(note, "field.note", max_len=500)
        self._check_slot(uow, start, end)
        self._check_conflicts(uow, start, end, staff_id, client_id)
        assert uow.actor_id is not None
        row = Appointment(
            client_id=client_id, contact_name=name, contact_phone=phone, purpose=cfg.code,
            business_date=start.astimezone(self.ctx.tz).date(), start_at=start, end_at=end,
            staff_id=staff_id, source=source, amount_fen=amount_fen, denominations=denoms,
            booked_by=uow.actor_id, created_at=uow.now, note=note)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("appointment.book", "appointment", row.id, manual_section=SECTION,
                  client_id=client_id, purpose=cfg.code, start=start.isoformat(),
                  end=end.isoformat(), staff_id=staff_id, source=source,
                  **({"amount_fen": amount_fen} if cfg.large_cash else {}))
        assert row.id is not None
        view = self._view(uow, row.id)
        if not confirm:
            return view
        notice = self._confirm(uow, view, cfg, phone)
        return replace(view, notice_id=notice)

    def _confirm(self, uow: UnitOfWork, view: AppointmentView, cfg: AppointmentPurposeCfg,
                 phone: str) -> int | None:
        """The confirmation notice of a booking, in the center's language."""
        language = self.settings.ui.language
        words = catalog(language)
        purpose = cfg.name_en if language == "en" else cfg.name
        if cfg.large_cash:
            purpose += " " + words.get("appt.notice_amount", "{yuan}").format(
                yuan=f"{view.amount_fen // 100:,}")
        client = uow.session.get(Client, view.client_id) if view.client_id is not None else None
        contact = client.phone if client is not None else phone
        notice = self._notices.queue_in(
            uow, "appointment_confirmation",
            {"client": view.client_name, "purpose": purpose,
             "time": self._slot_text(view.start_at, view.end_at),
             "staff": view.staff_name or words.get("appt.notice_counter", ""),
             "reference": view.reference},
            client_id=view.client_id, channel="sms" if contact.strip() else "print",
            record_kind="appointment", record_ref=str(view.id), phone=phone)
        return notice.id

    @requires("appointment.book")
    def cancel(self, uow: UnitOfWork, appointment_id: int, reason: str) -> AppointmentView:
        """Cancel a booked appointment, with the reason (the client called, the CM is away)."""
        row = self._load(uow, appointment_id, lock=True)
        reason = parse_text(reason, "field.reason", max_len=500, required=True)
        if row.status != rules.BOOKED:
            raise Conflict("appointments.error.state", status=row.status)
        row.status, row.cancelled_at, row.cancel_reason = rules.CANCELLED, uow.now, reason
        uow.session.add(row)
        uow.audit("appointment.cancel", "appointment", row.id, manual_section=SECTION,
                  reason=reason)
        return self._view(uow, appointment_id)

    # --- reading ---------------------------------------------------------------------------
    @requires("appointment.view", write=False)
    def calendar(self, uow: UnitOfWork, staff_id: int | None, day: date | None = None,
                 days: int = 1) -> list[AppointmentView]:
        """The appointments of `days` (1: the day, 7: the week) from `day` (today), by start:
        one staff member's (the CM's day and week), or everyone's (None: the lobby's day).
        Cancelled ones are left out."""
        if days not in (1, 7):
            raise FieldError("appointments.field.days", "error.field.choice", accepted="1, 7")
        first = day or uow.today
        start, _ = day_bounds_utc(first, self.ctx.tz)
        _, end = day_bounds_utc(first + timedelta(days=days - 1), self.ctx.tz)
        where = ((col(Appointment.start_at) >= start) & (col(Appointment.start_at) < end)
                 & (Appointment.status != rules.CANCELLED))
        if staff_id is not None:
            where = where & (Appointment.staff_id == staff_id)
        return self._views(uow, where)

    def calendar_in(self, uow: UnitOfWork, staff_ids: list[int], first: date,
                    last: date) -> list[AppointmentView]:
        """The appointments of `staff_ids` from `first` to `last` (local days), not cancelled:
        the same read as the calendar, for the CM's agenda (services.agenda)."""
        if not staff_ids:
            return []
        start, _ = day_bounds_utc(first, self.ctx.tz)
        _, end = day_bounds_utc(last, self.ctx.tz)
        return self._views(uow, (col(Appointment.start_at) >= start)
                           & (col(Appointment.start_at) < end)
                           & (Appointment.status != rules.CANCELLED)
                           & col(Appointment.staff_id).in_(staff_ids))

    @requires("appointment.view", write=False)
    def by_reference(self, uow: UnitOfWork, reference: str) -> AppointmentView:
        """The appointment of a confirmation's reference (its QR code, read by the lobby's
        scanner); NotFound when the text is no reference or names no appointment."""
        appointment_id = scans.parse_reference(reference)
        if appointment_id is None:
            raise NotFound("appt.error.no_reference", reference=reference[:20])
        self._load(uow, appointment_id)
        return self._view(uow, appointment_id)

    @requires("appointment.view", write=False)
    def for_client(self, uow: UnitOfWork, client_id: int,
                   day: date | None = None) -> list[AppointmentView]:
        """The client's appointments of the day (today), not cancelled: what the lobby's
        look-up shows beside the client."""
        return self._views(uow, (Appointment.client_id == client_id)
                           & (Appointment.business_date == (day or uow.today))
                           & (Appointment.status != rules.CANCELLED))

    @requires("appointment.view", write=False)
    def get(self, uow: UnitOfWork, appointment_id: int) -> AppointmentView:
        self._load(uow, appointment_id)
        return self._view(uow, appointment_id)

    # --- the day: check-in, no-shows --------------------------------------------------------
    @requires("appointment.checkin")
    def check_in(self, uow: UnitOfWork, appointment_id: int,
                 visit_id: int | None = None) -> AppointmentView:
        """The client of a booked appointment of today has come: a visit through the lobby's
        own path (it counts as an arrival), then either a ticket in the purpose's lane, called
        before that lane's walk-ins, or — an appointment with a CM — a hand-off to that CM at
        once. Arriving after start + `[appointments] late_minutes` is recorded as late.
        `visit_id`: the visit the lobby already recorded when it looked the client up (today's,
        of this client, not yet guided) is the arrival instead of a new one."""
        row = self._load(uow, appointment_id, lock=True)
        if row.status != rules.BOOKED:
            raise Conflict("appointments.error.state", status=row.status)
        if row.business_date != uow.today:
            raise Conflict("appointments.error.not_today", day=row.business_date.isoformat())
        cfg = self._purpose(row.purpose)
        cm = None
        if row.staff_id is not None:
            staff = uow.session.get(Staff, row.staff_id)
            if staff is not None and staff.active and staff.role_set & permissions.CMS:
                cm = staff
        lobby = self._lobby
        visit = (self._open_visit(uow, visit_id, row) if visit_id is not None
                 else lobby.arrive(uow, client_id=row.client_id, note=row.note))
        late = rules.is_late(row.start_at, uow.now, self.settings.appointments.late_minutes)
        row.status, row.checked_in_at, row.checked_in_by = rules.CHECKED_IN, uow.now, uow.actor_id
        row.visit_id, row.late = visit.id, late
        uow.session.add(row)
        uow.session.flush()  # the queue sees the appointment when it orders the lane
        if cm is not None:
            row.handoff_id = self._hand_to_cm(uow, row, cm)
        else:
            guided = lobby.guide(uow, visit.id, business=cfg.business, category=cfg.lane,
                                 divert=False, amount_fen=row.amount_fen or None)
            row.ticket_id = guided.ticket_id
        uow.session.add(row)
        uow.audit("appointment.check_in", "appointment", row.id, manual_section=SECTION,
                  client_id=row.client_id, visit_id=visit.id, ticket_id=row.ticket_id,
                  handoff_id=row.handoff_id, late=late,
                  late_minutes=max(0, int((uow.now - row.start_at).total_seconds() // 60)))
        return self._view(uow, appointment_id)

    def _open_visit(self, uow: UnitOfWork, visit_id: int, row: Appointment) -> VisitView:
        """The lobby's visit of this client today that has no ticket yet (and is not diverted)."""
        visit = self._lobby.visit(uow, visit_id)
        if (visit.business_date != uow.today or visit.client_id != row.client_id
                or visit.ticket_id is not None or visit.diverted):
            raise Conflict("appt.error.visit")
        return visit

    def _hand_to_cm(self, uow: UnitOfWork, row: Appointment, cm: Staff) -> int | None:
        """The CM the client booked with receives them, with ONE arrival hand-off: the one the
        lobby's path made for this CM, or the lobby's arrival to someone else (a premium
        client's own CM, the duty CMs) sent on to this CM, else a new one. The client's own
        CM, when not the booked one, is told by a notice (a general hand-off), not a second
        arrival task: the booked CM receives the client (manual digest: the CM prepares for and
        receives appointed clients), and the arrival counts once in the figures."""
        arrivals = list(uow.session.exec(
            select(Handoff).where(Handoff.kind == ARRIVAL, Handoff.client_id == row.client_id,
                                  Handoff.business_date == uow.today,
                                  col(Handoff.status).in_(OPEN))
            .order_by(col(Handoff.id))
        ).all()) if row.client_id is not None else []
        kept = next((h for h in arrivals if h.to_staff_id == cm.id), None)
        if kept is None:
            kept = self._new_arrival(uow, row, cm, arrivals[0] if arrivals else None)
        told: set[int] = set()
        for other in arrivals:
            if other is kept:
                continue
            if other.status in OPEN:
                self._close_arrival(uow, other, cm)
            target = other.to_staff_id
            if target is not None and target not in (cm.id, uow.actor_id) and target not in told:
                told.add(target)
                self._tell_own_cm(uow, row, target, cm)
        return kept.id

    def _new_arrival(self, uow: UnitOfWork, row: Appointment, cm: Staff,
                     previous: Handoff | None) -> Handoff:
        """The arrival hand-off to the booked CM; `previous` (the lobby's arrival to someone
        else) is closed as re-routed to it, as HandoffService.reroute does."""
        cfg = self.settings.appointments.purpose(row.purpose)
        note = " ".join(x for x in (cfg.name if cfg else row.purpose,
                                    self._hhmm(row.start_at), row.contact_name, row.note) if x)
        due = uow.now + timedelta(minutes=self.settings.handoffs.arrival_late_minutes)
        if previous is not None:
            self._close_arrival(uow, previous, cm)
        return self._handoffs.create_in(
            uow, kind=ARRIVAL, to_staff_id=cm.id, client_id=row.client_id, note=note[:1000],
            source="lobby", due_at=due, manual_section=SECTION,
            rerouted_from_id=previous.id if previous is not None else None,
            ticket_id=previous.ticket_id if previous is not None else None)

    def _close_arrival(self, uow: UnitOfWork, h: Handoff, cm: Staff) -> None:
        """An arrival hand-off to someone other than the booked CM ends, re-routed to them."""
        h.status, h.closed_at, h.decline_reason = "declined", uow.now, "rerouted"
        uow.session.add(h)
        uow.audit("handoff.reroute", "handoff", h.id, manual_section=h.manual_section,
                  to_staff_id=cm.id, appointment=True)

    def _tell_own_cm(self, uow: UnitOfWork, row: Appointment, own_cm_id: int,
                     cm: Staff) -> None:
        """The notice to the client's own CM: their client came for an appointment with
        another CM, who receives them (in the center's language)."""
        words = catalog(self.settings.ui.language)
        client = uow.session.get(Client, row.client_id) if row.client_id is not None else None
        note = words.get("appt18.own_cm_notice", "{client} {cm} {time}").format(
            client=client.name if client is not None else row.contact_name, cm=cm.name,
            time=self._hhmm(row.start_at))
        self._handoffs.create_in(uow, kind="general", to_staff_id=own_cm_id,
                                 client_id=row.client_id, note=note[:1000], source="lobby",
                                 manual_section=SECTION)

    @requires("appointment.checkin")
    def mark_no_shows(self, uow: UnitOfWork) -> list[AppointmentView]:
        """Appointments still booked past their end + `[appointments] no_show_grace_minutes`
        become no-shows (each audited); returns them."""
        grace = self.settings.appointments.no_show_grace_minutes
        due = uow.session.exec(
            select(Appointment).where(Appointment.status == rules.BOOKED,
                                      col(Appointment.end_at) <= uow.now - timedelta(minutes=grace))
            .order_by(col(Appointment.start_at), col(Appointment.id)).with_for_update()
        ).all()
        ids = []
        for row in due:
            row.status = rules.NO_SHOW
            uow.session.add(row)
            uow.audit("appointment.no_show", "appointment", row.id, manual_section=SECTION,
                      client_id=row.client_id, start=row.start_at.isoformat())
            ids.append(row.id)
        uow.session.flush()
        return self._views(uow, col(Appointment.id).in_(ids)) if ids else []

    # --- large cash ------------------------------------------------------------------------
    @requires("appointment.view", write=False)
    def large_cash_tomorrow(self, uow: UnitOfWork, day: date | None = None) -> CashPlan:
        """The large cash to prepare for `day` (the next open day: on a Friday, Monday's):
        booked large-cash appointments, the total and the sums by the denominations asked for."""
        day = day or self._next_open_day(uow.today)
        codes = [p.code for p in self.settings.appointments.purposes if p.large_cash]
        views = self._views(uow, (Appointment.business_date == day)
                            & col(Appointment.purpose).in_(codes)
                            & col(Appointment.status).in_(rules.HOLDING))
        return CashPlan(day=day, appointments=tuple(views),
                        total_fen=sum(v.amount_fen for v in views),
                        by_denomination=tuple(rules.cash_by_denomination(
                            (v.denominations, v.amount_fen) for v in views)))

    def _next_open_day(self, today: date) -> date:
        days = self.settings.calendar.open_days()
        for ahead in range(1, 31):
            if days.is_open(today + timedelta(days=ahead)):
                return today + timedelta(days=ahead)
        return today + timedelta(days=1)

    @requires("service.record")
    def satisfies_large_cash(self, uow: UnitOfWork, client_id: int, amount_fen: int,
                             day: date | None = None) -> int | None:
        """The counter's large-cash rule: the id of the client's checked-in large-cash
        appointment of `day` (today) covering `amount_fen`, recorded (audited); None if none."""
        return large_cash_in(uow, client_id, amount_fen, day)

