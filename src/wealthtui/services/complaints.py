"""Complaints (投诉处理): intake from any channel, handling, the clock, closing, views, statistics.

Manual ch.4 §5 (complaint handling; digest §4.5): any channel accepts a complaint, the first
receiver owns it (首问负责), the head takes what is beyond staff authority, the lobby manager counts
complaints in the daily flow log (ch.2 §2.7 item 8). The clock follows the 2020 complaint rules
(peer-systems §4.1), computed by rules.deadlines from the clock events.

API (`services.complaints.<method>(actor, ...)`; every method checks the permissions matrix):

Intake
- `intake(actor, *, channel, category, subcategory, description, client_id=None,
  complainant_kind="client", name="", phone="", authority="", staff_complained=(),
  requested_remedy="", external_ref="", on_spot_reply="", options_told=False) -> ComplaintView`
  The actor is the first receiver. With a client_id the bank already holds the name and phone:
  they are not asked (name/phone are only for a walk-in, an agent or an heir; agents and heirs
  also give their authority). A non-empty `on_spot_reply` resolves it at once (first contact).
- `known_client(actor, client_id) -> ClientHint`, `staff_choices(actor) -> list[StaffRef]`,
  `channels()`, `categories()` – what the intake form shows.
Handling (each is a ComplaintEvent row with who and why, and an audit event)
- `assign(actor, id, handler_id, note="")` – refused when the handler is complained about.
- `add_note`, `resolve_on_spot(actor, id, outcome, options_told)`, `escalate(actor, id, level,
  reason)` (head → sub_branch → branch; beyond the center only the head), `merge(actor, id,
  original_ref, note="")`, `withdraw(actor, id, reason)`.
Clock
- `extend(actor, id, reason)`, `extend_further(actor, id, reason, client_told)` (the head only),
  `pause(actor, id, reason, client_told)`, `resume(actor, id, note="")`,
  `new_facts(actor, id, received_on, note)`.
Closing
- `reply(actor, id, *, channel, content, options_told, remedy="", compensation_fen=0,
  replied_on=None)`, `close(actor, id, root_cause, rectification)` (root cause and rectification
  required; head or supervisor as delegate), `record_satisfaction(actor, id, on, result, note="")`.
Views
- `get(actor, id) -> ComplaintView` (with events), `queue(actor)` (the head's queue by due date:
  open ones and those awaiting closing), `mine(actor)` (received or handled by the actor),
  `stats(actor, start, end) -> ComplaintStats`; `complaint_stats(session, settings, start, end,
  today)` does the same inside another service's unit of work (daily flow log, KPI scorecard).

Nobody complained about may handle, decide, close or withdraw the complaint (recusal).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from wealthtui.citations import service_section
from wealthtui.config import ComplaintCategoryCfg, ComplaintChannelCfg, Settings
from wealthtui.model import Client, Complaint, ComplaintEvent, Handoff, Staff
from wealthtui.model.status import ComplaintStatus
from wealthtui.rules import deadlines as dl
from wealthtui.rules.clock import business_date, day_bounds_utc, zone
from wealthtui.rules.fields import FieldError, parse_mobile, parse_name, parse_text
from wealthtui.services import masking
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.services.handoffs import HandoffService

SECTION = service_section("complaints.SECTION")          # complaint handling
SECTION_INTAKE = service_section("complaints.SECTION_INTAKE")  # channels that accept complaints
SECTION_FLOW = service_section("complaints.SECTION_FLOW")    # the lobby manager's daily flow log counts complaints

COMPLAINANT_KINDS = ("client", "agent", "heir")
ESCALATION_LEVELS = ("head", "sub_branch", "branch")
REPLY_CHANNELS = ("in_person", "phone", "letter", "sms", "e_banking")
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied", "unreachable")
STATUSES = tuple(ComplaintStatus)
RUNNING = (ComplaintStatus.OPEN, ComplaintStatus.INVESTIGATING,
           ComplaintStatus.ESCALATED)  # the decision is still to come
ENDED = (ComplaintStatus.CLOSED, ComplaintStatus.WITHDRAWN, ComplaintStatus.MERGED)


@dataclass(frozen=True)
class StaffRef:
    id: int
    staff_no: str
    name: str


@dataclass(frozen=True)
class ClientHint:
    """What the bank already holds about the complaining client (phone masked)."""

    id: int
    name: str
    phone_masked: str
    tier: str


@dataclass(frozen=True)
class ComplaintEventView:
    kind: str
    at: datetime
    by_name: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ComplaintView:
    id: int
    ref_no: str
    business_date: date
    received_at: datetime
    client_id: int | None
    client_name: str
    complainant_kind: str
    complainant_name: str     # the person who complained (the client, or the walk-in/agent/heir)
    phone_masked: str
    agent_authority: str
    channel: str
    external_ref: str
    category: str
    subcategory: str
    description: str
    requested_remedy: str
    staff_complained: tuple[StaffRef, ...]
    first_receiver: StaffRef
    handler: StaffRef | None
    status: str
    resolved_on_spot: bool
    escalation: str
    escalated_at: datetime | None
    # the clock, derived on the business date of the read
    due_date: date
    level: int
    limit_days: int
    paused_since: date | None
    standing: str             # ok | warning | overdue | paused | stopped
    days_left: int
    ended_on: date | None
    timely: bool | None
    # closing
    reply_at: datetime | None
    reply_channel: str
    reply_content: str
    options_told: bool
    remedy: str
    compensation_fen: int
    root_cause: str
    rectification: str
    satisfaction_at: date | None
    satisfaction: str
    satisfaction_note: str
    closed_by: StaffRef | None
    closed_at: datetime | None
    merged_into_ref: str
    events: tuple[ComplaintEventView, ...] = ()

    @property
    def complained_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.staff_complained)


@dataclass(frozen=True)
class MyComplaint:
    """A complaint in someone's "my complaints" list, with what they are to it (`as_`:
    receiver | handler | subject) and the next step. For the person complained about (`subject`)
    it is read-only and carries nothing that identifies the client: no client or complainant
    name, no phone, no description."""

    id: int
    ref_no: str
    as_: str
    status: str
    category: str
    subcategory: str
    received_at: datetime
    due_date: date
    days_left: int
    standing: str          # ok | warning | overdue | paused | stopped
    next_step: str         # see next_step()
    handler_name: str
    client_name: str       # "" for the subject
    description: str       # "" for the subject

    @property
    def read_only(self) -> bool:
        return self.as_ == "subject"


def next_step(v: ComplaintView) -> str:
    """What the complaint waits for next, as a code (catalog: my_complaints.next.<code>)."""
    if v.status in ("withdrawn", "merged"):
        return "none"
    if v.status == "closed":
        return "none" if v.satisfaction_at else "satisfaction"
    if v.status == "replied":
        return "close"
    if v.paused_since is not None:
        return "paused"
    if v.status == "escalated":
        return "escalated"
    if v.handler is None:
        return "assign"
    return "reply"


@dataclass(frozen=True)
class ComplaintStats:
    """Complaints of the business dates start..end (inclusive) and the open ones as of today.

    `received` counts every registered complaint, repeats included; the breakdowns and the
    first-contact rate count distinct complaints (repeats merged into another excluded).
    `closed`, the close times and `compensation_fen` are over complaints closed in the period;
    `decided`/`decided_timely` over decisions (replies) made in the period.
    """

    start: date
    end: date
    received: int
    repeats: int
    by_category: dict[str, int]
    by_subcategory: dict[str, int]   # "category/subcategory"
    by_channel: dict[str, int]
    by_staff: tuple[tuple[int, str, int], ...]  # staff complained about: id, name, count
    first_contact: int
    first_contact_pct: float | None
    withdrawn: int
    escalated: int
    closed: int
    avg_close_days: float | None
    max_close_days: int | None
    decided: int
    decided_timely: int
    compensation_fen: int
    open_now: int
    overdue_now: int
    warning_now: int

    @property
    def distinct(self) -> int:
        return self.received - self.repeats

    @property
    def timely_pct(self) -> float | None:
        return round(100 * self.decided_timely / self.decided, 1) if self.decided else None


# --- helpers shared by the service and complaint_stats -------------------------------------

def _ids(text: str) -> list[int]:
    return [int(p) for p in text.split(",") if p.strip()]


def _event_data(ev: ComplaintEvent) -> dict[str, Any]:
    try:
        data = json.loads(ev.data_json or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _clock_event(data: dict[str, Any], note: str) -> dl.ClockEvent:
    return dl.ClockEvent(
        kind=data["clock"], on=date.fromisoformat(data["on"]), reason=note,
        approved_by=data.get("approved_by"), client_told=bool(data.get("client_told")),
    )


def _clock_events(events: Iterable[ComplaintEvent]) -> list[dl.ClockEvent]:
    out = []
    for ev in sorted(events, key=lambda e: (e.at, e.id or 0)):
        data = _event_data(ev)
        if "clock" in data:
            out.append(_clock_event(data, ev.note))
    return out


def _events_by_complaint(session: Session, ids: Sequence[int]) -> dict[int, list[ComplaintEvent]]:
    out: dict[int, list[ComplaintEvent]] = {i: [] for i in ids}
    if not ids:
        return out
    query = select(ComplaintEvent).where(col(ComplaintEvent.complaint_id).in_(ids))
    for ev in session.exec(query.order_by(ComplaintEvent.at, ComplaintEvent.id)):
        out[ev.complaint_id].append(ev)
    return out


def complaint_stats(session: Session, settings: Settings, start: date, end: date,
                    today: date) -> ComplaintStats:
    """Statistics for business dates start..end (see ComplaintStats); usable inside any unit of
    work, e.g. by the daily flow log or the KPI scorecard."""
    if end < start:
        raise FieldError("field.complaint.period", "error.complaint.period")
    tz = zone(settings.center.timezone)
    rules = dl.ClockRules.of(settings.complaints)
    lo, _ = day_bounds_utc(start, tz)
    _, hi = day_bounds_utc(end, tz)

    received = session.exec(
        select(Complaint).where(Complaint.business_date >= start, Complaint.business_date <= end)
    ).all()
    distinct = [c for c in received if c.status != "merged"]
    staff_counts: Counter[int] = Counter()
    for c in distinct:
        staff_counts.update(set(_ids(c.staff_complained)))
    names = dict(session.exec(
        select(Staff.id, Staff.name).where(col(Staff.id).in_(list(staff_counts)))
    ).all()) if staff_counts else {}

    closed = session.exec(
        select(Complaint).where(col(Complaint.closed_at) >= lo, col(Complaint.closed_at) < hi)
    ).all()
    close_days = [business_date(c.closed_at, tz).toordinal() - c.business_date.toordinal()
                  for c in closed if c.closed_at is not None]

    decided = session.exec(
        select(Complaint).where(col(Complaint.reply_at) >= lo, col(Complaint.reply_at) < hi)
    ).all()
    running = session.exec(select(Complaint).where(col(Complaint.status).in_(RUNNING))).all()
    events = _events_by_complaint(session, [c.id for c in [*decided, *running] if c.id])

    def state(c: Complaint) -> dl.ClockState:
        return dl.derive(_clock_events(events[c.id or 0]), rules, today)

    standings = Counter(dl.standing(state(c), today, rules) for c in running)
    first = sum(1 for c in distinct if c.resolved_on_spot)
    return ComplaintStats(
        start=start, end=end,
        received=len(received),
        repeats=len(received) - len(distinct),
        by_category=dict(Counter(c.category for c in distinct).most_common()),
        by_subcategory=dict(Counter(f"{c.category}/{c.subcategory}" for c in distinct)
                            .most_common()),
        by_channel=dict(Counter(c.channel for c in distinct).most_common()),
        by_staff=tuple(sorted(((sid, names.get(sid, ""), n) for sid, n in staff_counts.items()),
                              key=lambda r: (-r[2], r[0]))),
        first_contact=first,
        first_contact_pct=round(100 * first / len(distinct), 1) if distinct else None,
        withdrawn=sum(1 for c in received if c.status == "withdrawn"),
        escalated=sum(1 for c in distinct if c.escalation),
        closed=len(closed),
        avg_close_days=round(sum(close_days) / len(close_days), 1) if close_days else None,
        max_close_days=max(close_days) if close_days else None,
        decided=len(decided),
        decided_timely=sum(1 for c in decided if state(c).timely),
        compensation_fen=sum(c.compensation_fen for c in closed),
        open_now=len(running),
        overdue_now=standings[dl.OVERDUE],
        warning_now=standings[dl.WARNING],
    )


# --- the service -------------------------------------------------------------------------------

class ComplaintService(Service):
    def __init__(self, ctx: Context, *, handoffs: HandoffService) -> None:
        super().__init__(ctx)
        self._handoffs = handoffs

    @property
    def rules(self) -> dl.ClockRules:
        return dl.ClockRules.of(self.settings.complaints)

    # --- configuration the forms show ------------------------------------------------------
    def channels(self) -> list[ComplaintChannelCfg]:
        return list(self.settings.complaints.channels)

    def categories(self) -> list[ComplaintCategoryCfg]:
        return list(self.settings.complaints.categories)

    # --- loading and views -----------------------------------------------------------------
    def _load(self, uow: UnitOfWork, complaint_id: int) -> Complaint:
        c = uow.session.get(Complaint, complaint_id)
        if c is None:
            raise NotFound("error.complaint.not_found", id=complaint_id)
        return c

    def _staff_refs(self, uow: UnitOfWork, ids: Iterable[int | None]) -> dict[int, StaffRef]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        rows = uow.session.exec(select(Staff).where(col(Staff.id).in_(wanted))).all()
        return {s.id: StaffRef(s.id, s.staff_no, s.name) for s in rows if s.id is not None}

    def _views(self, uow: UnitOfWork, rows: Sequence[Complaint], *,
               with_events: bool = False) -> list[ComplaintView]:
        ids = [c.id for c in rows if c.id is not None]
        events = _events_by_complaint(uow.session, ids)
        staff = self._staff_refs(uow, [
            i for c in rows
            for i in (*_ids(c.staff_complained), c.first_receiver_id, c.handler_id, c.closed_by)
        ] + [e.by_staff_id for evs in events.values() for e in evs])
        client_ids = sorted({c.client_id for c in rows if c.client_id is not None})
        clients = {cl.id: cl for cl in uow.session.exec(
            select(Client).where(col(Client.id).in_(client_ids)))} if client_ids else {}
        merged_ids = sorted({c.merged_into_id for c in rows if c.merged_into_id is not None})
        merged_refs = dict(uow.session.exec(
            select(Complaint.id, Complaint.ref_no).where(col(Complaint.id).in_(merged_ids))
        ).all()) if merged_ids else {}
        rules, today = self.rules, uow.today
        out = []
        for c in rows:
            assert c.id is not None
            state = dl.derive(_clock_events(events[c.id]), rules, today)
            client = clients.get(c.client_id) if c.client_id is not None else None
            if c.complainant_name:
                person, phone = c.complainant_name, c.complainant_phone
            else:
                person = client.name if client else ""
                phone = client.phone if client else ""
            evs = tuple(
                ComplaintEventView(
                    kind=e.kind, at=e.at,
                    by_name=staff[e.by_staff_id].name if e.by_staff_id in staff else "",
                    note=e.note, data=_event_data(e),
                )
                for e in events[c.id]
            ) if with_events else ()
            out.append(ComplaintView(
                id=c.id, ref_no=c.ref_no, business_date=c.business_date, received_at=c.received_at,
                client_id=c.client_id, client_name=client.name if client else "",
                complainant_kind=c.complainant_kind, complainant_name=person,
                phone_masked=masking.phone(self.settings, phone),
                agent_authority=c.agent_authority, channel=c.channel, external_ref=c.external_ref,
                category=c.category, subcategory=c.subcategory, description=c.description,
                requested_remedy=c.requested_remedy,
                staff_complained=tuple(staff[i] for i in _ids(c.staff_complained) if i in staff),
                first_receiver=staff[c.first_receiver_id],
                handler=staff.get(c.handler_id) if c.handler_id is not None else None,
                status=c.status, resolved_on_spot=c.resolved_on_spot, escalation=c.escalation,
                escalated_at=c.escalated_at,
                due_date=state.due_date, level=state.level, limit_days=state.limit_days,
                paused_since=state.paused_since, standing=dl.standing(state, today, rules),
                days_left=dl.days_left(state, today, rules), ended_on=state.stopped_on,
                timely=state.timely,
                reply_at=c.reply_at, reply_channel=c.reply_channel, reply_content=c.reply_content,
                options_told=c.options_told, remedy=c.remedy, compensation_fen=c.compensation_fen,
                root_cause=c.root_cause, rectification=c.rectification,
                satisfaction_at=c.satisfaction_at, satisfaction=c.satisfaction,
                satisfaction_note=c.satisfaction_note,
                closed_by=staff.get(c.closed_by) if c.closed_by is not None else None,
                closed_at=c.closed_at,
                merged_into_ref=merged_refs.get(c.merged_into_id, "") if c.merged_into_id else "",
                events=evs,
            ))
        return out

    def _view(self, uow: UnitOfWork, c: Complaint) -> ComplaintView:
        return self._views(uow, [c], with_events=True)[0]

    # --- record-level checks ---------------------------------------------------------------
    def _complained(self, c: Complaint, staff_id: int | None) -> bool:
        return staff_id is not None and staff_id in _ids(c.staff_complained)

    def _not_recused(self, uow: UnitOfWork, c: Complaint) -> None:
        if self._complained(c, uow.actor_id):
            raise PermissionDenied("error.complaint.recusal_actor")

    def _may_see(self, uow: UnitOfWork, c: Complaint) -> bool:
        return (uow.can("complaint.assign") or uow.actor_id in (c.first_receiver_id, c.handler_id))

    def _may_work(self, uow: UnitOfWork, c: Complaint) -> None:
        """Handling steps: the handler, the first receiver, or a coordinator (lobby, head,
        supervisor); never someone complained about."""
        self._not_recused(uow, c)
        if not self._may_see(uow, c):
            raise PermissionDenied("error.complaint.not_yours")

    def _may_decide(self, uow: UnitOfWork, c: Complaint) -> None:
        """Clock changes and the decision: the handler or the head."""
        self._not_recused(uow, c)
        if not (uow.can("complaint.approve") or uow.actor_id == c.handler_id):
            raise PermissionDenied("error.complaint.not_handler")

    def _state_in(self, c: Complaint, states: Sequence[str]) -> None:
        if c.status not in states:
            raise Conflict("error.complaint.state", ref=c.ref_no, status=c.status)

    # --- events and the clock --------------------------------------------------------------
    def _event(self, uow: UnitOfWork, c: Complaint, kind: str, note: str = "",
               **data: Any) -> ComplaintEvent:
        assert c.id is not None
        ev = ComplaintEvent(
            complaint_id=c.id, kind=kind, at=uow.now, by_staff_id=uow.actor_id, note=note,
            data_json=json.dumps(data, ensure_ascii=False, sort_keys=True, default=str),
        )
        uow.session.add(ev)
        uow.session.flush()
        return ev

    def _clock(self, uow: UnitOfWork, c: Complaint, kind: str, event_kind: str, on: date,
               note: str = "", *, approved_by: int | None = None,
               client_told: bool = False, **extra: Any) -> dl.ClockState:
        """Check a clock change against the rules, store it as an event, refresh the cache."""
        assert c.id is not None
        stored = uow.session.exec(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)
        ).all()
        events = _clock_events(stored)
        new = dl.ClockEvent(kind, on, reason=note, approved_by=approved_by,
                            client_told=client_told)
        try:
            dl.check(events, new, self.rules)
        except dl.ClockError as exc:
            raise Conflict(exc.key, **exc.params) from exc
        data: dict[str, Any] = {"clock": kind, "on": on.isoformat(), **extra}
        if approved_by is not None:
            data["approved_by"] = approved_by
        if client_told:
            data["client_told"] = True
        self._event(uow, c, event_kind, note, **data)
        state = dl.derive([*events, new], self.rules, uow.today)
        c.due_date, c.extensions = state.due_date, state.level
        c.paused_since, c.ended_on = state.paused_since, state.stopped_on
        uow.session.add(c)
        return state

    def _end_handoffs(self, uow: UnitOfWork, c: Complaint, why: str, *,
                      to_staff_id: int | None = None) -> None:
        """The complaint's hand-offs (to its handler, to the head) end with it: done, with the
        complaint's new state as their outcome. `to_staff_id`: only those to that person (a
        handler replaced)."""
        assert c.id is not None
        if to_staff_id is None:
            self._handoffs.end_for(uow, "complaint", c.id, f"{c.ref_no} {why}")
            return
        for h in uow.session.exec(
            select(Handoff).where(Handoff.subject_type == "complaint", Handoff.subject_id == c.id,
                                  Handoff.to_staff_id == to_staff_id,
                                  col(Handoff.status).in_(("open", "accepted")))
        ).all():
            h.status, h.closed_at, h.outcome = "done", uow.now, f"{c.ref_no} {why}"
            uow.session.add(h)
            uow.audit("handoff.done", "handoff", h.id, manual_section=SECTION, outcome=h.outcome,
                      ended_with=f"complaint:{c.id}")

    def _audit(self, uow: UnitOfWork, action: str, c: Complaint, **detail: Any) -> None:
        uow.audit(f"complaint.{action}", "complaint", c.id, manual_section=SECTION,
                  ref=c.ref_no, **detail)

    # --- intake ----------------------------------------------------------------------------
    @requires("complaint.intake", write=False)
    def known_client(self, uow: UnitOfWork, client_id: int) -> ClientHint:
        client = uow.session.get(Client, client_id)
        if client is None or client.id is None:
            raise NotFound("error.client.not_found", id=client_id)
        return ClientHint(client.id, client.name, masking.phone(self.settings, client.phone),
                          client.tier)

    @requires("complaint.intake", write=False)
    def staff_choices(self, uow: UnitOfWork) -> list[StaffRef]:
        """Active staff, for 'staff complained about' and for choosing a handler."""
        rows = uow.session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_no))
        return [StaffRef(s.id, s.staff_no, s.name) for s in rows if s.id is not None]

    def _next_ref(self, uow: UnitOfWork) -> str:
        n = uow.session.exec(
            select(func.count(Complaint.id)).where(Complaint.business_date == uow.today)
        ).one()
        return f"{self.settings.complaints.ref_prefix}{uow.today:%Y%m%d}-{n + 1:03d}"

    @requires("complaint.intake")
    def intake(
        self,
        uow: UnitOfWork,
        *,
        channel: str,
        category: str,
        subcategory: str,
        description: str,
        client_id: int | None = None,
        complainant_kind: str = "client",
        name: str = "",
        phone: str = "",
        authority: str = "",
        staff_complained: Sequence[int] = (),
        requested_remedy: str = "",
        external_ref: str = "",
        on_spot_reply: str = "",
        options_told: bool = False,
    ) -> ComplaintView:
        cfg = self.settings.complaints
        channel_cfg = cfg.channel(channel)
        if channel_cfg is None:
            raise FieldError("field.complaint.channel", "error.field.choice",
                             accepted=", ".join(c.code for c in cfg.channels))
        category_cfg = cfg.category(category)
        if category_cfg is None:
            raise FieldError("field.complaint.category", "error.field.choice",
                             accepted=", ".join(c.code for c in cfg.categories))
        subs = [s.code for s in category_cfg.subcategories]
        if subs and subcategory not in subs:
            raise FieldError("field.complaint.subcategory", "error.field.choice",
                             accepted=", ".join(subs))
        if complainant_kind not in COMPLAINANT_KINDS:
            raise FieldError("field.complaint.complainant_kind", "error.field.choice",
                             accepted=", ".join(COMPLAINANT_KINDS))
        if client_id is not None:
            client = uow.session.get(Client, client_id)
            if client is None:
                raise NotFound("error.client.not_found", id=client_id)
        # Ask only what the bank does not hold: a known client complaining in person gives
        # neither name nor phone; anyone else (walk-in, agent, heir) gives both.
        if client_id is not None and complainant_kind == "client":
            person, person_phone = "", ""
        else:
            person = _person_name(name)
            person_phone = _person_phone(phone)
        if complainant_kind in ("agent", "heir"):
            authority = parse_text(authority, "field.complaint.authority", max_len=200,
                                   required=True)
        else:
            authority = ""
        external_ref = parse_text(external_ref, "field.complaint.external_ref", max_len=40)
        description = parse_text(description, "field.complaint.description", max_len=4000,
                                  required=True)
        requested_remedy = parse_text(requested_remedy, "field.complaint.requested_remedy",
                                      max_len=1000)
        complained = sorted(set(staff_complained))
        if complained:
            found = uow.session.exec(select(Staff.id).where(col(Staff.id).in_(complained))).all()
            if len(found) != len(complained):
                raise FieldError("field.complaint.staff_complained", "error.complaint.staff_unknown")
        on_spot_reply = parse_text(on_spot_reply, "field.complaint.on_spot_reply", max_len=4000)
        if on_spot_reply and not options_told:
            raise FieldError("field.complaint.options_told", "error.complaint.options_required")
        assert uow.actor_id is not None
        if on_spot_reply and uow.actor_id in complained:
            raise PermissionDenied("error.complaint.recusal_actor")
        c = Complaint(
            ref_no=self._next_ref(uow), business_date=uow.today, received_at=uow.now,
            client_id=client_id, complainant_kind=complainant_kind, complainant_name=person,
            complainant_phone=person_phone, agent_authority=authority, channel=channel,
            external_ref=external_ref, category=category, subcategory=subcategory,
            description=description, requested_remedy=requested_remedy,
            staff_complained=",".join(str(i) for i in complained),
            first_receiver_id=uow.actor_id, due_date=uow.today,
        )
        uow.session.add(c)
        uow.session.flush()
        self._clock(uow, c, dl.RECEIVED, "received", uow.today, channel=channel)
        uow.audit("complaint.intake", "complaint", c.id, manual_section=SECTION_INTAKE,
                  ref=c.ref_no, channel=channel, category=category, client_id=client_id,
                  complainant_kind=complainant_kind, staff_complained=complained)
        if on_spot_reply:
            self._resolve_on_spot(uow, c, on_spot_reply)
        return self._view(uow, c)

    # --- handling --------------------------------------------------------------------------
    @requires("complaint.view", write=False)
    def get(self, uow: UnitOfWork, complaint_id: int) -> ComplaintView:
        c = self._load(uow, complaint_id)
        if not self._may_see(uow, c):
            raise PermissionDenied("error.complaint.not_yours")
        return self._view(uow, c)

    @requires("complaint.assign")
    def assign(self, uow: UnitOfWork, complaint_id: int, handler_id: int,
               note: str = "") -> ComplaintView:
        c = self._load(uow, complaint_id)
        self._not_recused(uow, c)
        self._state_in(c, RUNNING)
        handler = uow.session.get(Staff, handler_id)
        if handler is None or not handler.active:
            raise FieldError("field.complaint.handler", "error.complaint.handler_inactive")
        if self._complained(c, handler_id):
            # Recusal: the handler must have no interest in the complaint.
            raise Conflict("error.complaint.recusal", name=handler.name)
        note = parse_text(note, "field.complaint.note", max_len=500)
        previous = c.handler_id
        c.handler_id = handler_id
        if c.status == "open":
            c.status = ComplaintStatus.INVESTIGATING
        uow.session.add(c)
        self._event(uow, c, "assign", note, handler_id=handler_id, previous=previous)
        if previous is not None and previous != handler_id:
            self._end_handoffs(uow, c, "reassigned", to_staff_id=previous)
        if handler_id != uow.actor_id:
            self._handoffs.create_in(
                uow, kind="general", to_staff_id=handler_id, client_id=c.client_id,
                note=f"{c.ref_no} {note}".strip(), manual_section=SECTION,
                subject_type="complaint", subject_id=c.id,
            )
        self._audit(uow, "assign", c, handler_id=handler_id, previous=previous)
        return self._view(uow, c)

    @requires("complaint.handle")
    def add_note(self, uow: UnitOfWork, complaint_id: int, note: str) -> ComplaintView:
        """An investigation note (what was checked, whom was spoken to)."""
        c = self._load(uow, complaint_id)
        self._may_work(uow, c)
        self._state_in(c, (*RUNNING, "replied"))
        note = parse_text(note, "field.complaint.note", max_len=2000, required=True)
        if c.status == "open":
            c.status = ComplaintStatus.INVESTIGATING
            uow.session.add(c)
        self._event(uow, c, "note", note)
        self._audit(uow, "note", c)
        return self._view(uow, c)

    def _resolve_on_spot(self, uow: UnitOfWork, c: Complaint, outcome: str) -> None:
        c.resolved_on_spot = True
        c.reply_at, c.reply_channel, c.reply_content = uow.now, "in_person", outcome
        c.options_told = True
        c.status = ComplaintStatus.REPLIED
        uow.session.add(c)
        self._clock(uow, c, dl.STOP, "resolve_on_spot", uow.today, outcome, first_contact=True)
        self._audit(uow, "resolve_on_spot", c)

    @requires("complaint.handle")
    def resolve_on_spot(self, uow: UnitOfWork, complaint_id: int, outcome: str,
                        options_told: bool) -> ComplaintView:
        """First-contact resolution: settled with the client on the day of receipt, before any
        escalation."""
        c = self._load(uow, complaint_id)
        self._may_work(uow, c)
        self._state_in(c, ("open", "investigating"))
        if c.business_date != uow.today or c.escalation:
            raise Conflict("error.complaint.not_first_contact", ref=c.ref_no)
        outcome = parse_text(outcome, "field.complaint.on_spot_reply", max_len=4000,
                             required=True)
        if not options_told:
            raise FieldError("field.complaint.options_told", "error.complaint.options_required")
        self._resolve_on_spot(uow, c, outcome)
        return self._view(uow, c)

    @requires("complaint.escalate")
    def escalate(self, uow: UnitOfWork, complaint_id: int, level: str,
                 reason: str) -> ComplaintView:
        """To the head (beyond staff authority), then to the sub-branch and the branch (beyond
        the center: the head only)."""
        c = self._load(uow, complaint_id)
        if not self._may_see(uow, c) and not self._complained(c, uow.actor_id):
            raise PermissionDenied("error.complaint.not_yours")
        self._state_in(c, RUNNING)
        if level not in ESCALATION_LEVELS:
            raise FieldError("field.complaint.escalation", "error.field.choice",
                             accepted=", ".join(ESCALATION_LEVELS))
        current = ESCALATION_LEVELS.index(c.escalation) if c.escalation else -1
        if ESCALATION_LEVELS.index(level) <= current:
            raise Conflict("error.complaint.escalate_down", ref=c.ref_no)
        if level != "head" and not uow.can("complaint.approve"):
            raise PermissionDenied("error.complaint.escalate_head_only")
        reason = parse_text(reason, "field.complaint.reason", max_len=1000, required=True)
        previous = c.escalation
        c.escalation, c.escalated_at, c.status = level, uow.now, "escalated"
        uow.session.add(c)
        self._event(uow, c, "escalate", reason, level=level, previous=previous)
        if level == "head" and not uow.can("complaint.approve"):
            self._handoffs.create_in(
                uow, kind="escalation", to_role="head", client_id=c.client_id,
                note=f"{c.ref_no} {reason}", manual_section=SECTION,
                subject_type="complaint", subject_id=c.id,
            )
        self._audit(uow, "escalate", c, level=level, previous=previous)
        return self._view(uow, c)

    @requires("complaint.assign")
    def merge(self, uow: UnitOfWork, complaint_id: int, original_ref: str,
              note: str = "") -> ComplaintView:
        """Merge a repeat of the same complaint into the original, still being handled."""
        repeat = self._load(uow, complaint_id)
        self._not_recused(uow, repeat)
        ref = parse_text(original_ref, "field.complaint.original_ref", max_len=20,
                         required=True).upper()
        original = uow.session.exec(select(Complaint).where(Complaint.ref_no == ref)).first()
        if original is None:
            raise FieldError("field.complaint.original_ref", "error.complaint.ref_unknown", ref=ref)
        if original.id == repeat.id:
            raise FieldError("field.complaint.original_ref", "error.complaint.merge_self")
        self._state_in(repeat, RUNNING)
        if original.status not in RUNNING:
            raise Conflict("error.complaint.merge_original_state", ref=original.ref_no)
        if not _same_complainant(original, repeat):
            raise Conflict("error.complaint.merge_other_person", ref=original.ref_no)
        note = parse_text(note, "field.complaint.note", max_len=500)
        repeat.status, repeat.merged_into_id, repeat.closed_at = "merged", original.id, uow.now
        uow.session.add(repeat)
        self._clock(uow, repeat, dl.STOP, "merge", uow.today, note, into=original.ref_no)
        self._end_handoffs(uow, repeat, "merged")
        self._event(uow, original, "merged_in", note, repeat=repeat.ref_no)
        self._audit(uow, "merge", repeat, into=original.ref_no)
        return self._view(uow, repeat)

    @requires("complaint.handle")
    def withdraw(self, uow: UnitOfWork, complaint_id: int, reason: str) -> ComplaintView:
        """The client withdraws: the procedure ends that day."""
        c = self._load(uow, complaint_id)
        self._may_work(uow, c)
        self._state_in(c, RUNNING)
        reason = parse_text(reason, "field.complaint.reason", max_len=1000, required=True)
        c.status, c.closed_at, c.closed_by = "withdrawn", uow.now, uow.actor_id
        uow.session.add(c)
        self._clock(uow, c, dl.STOP, "withdraw", uow.today, reason)
        self._end_handoffs(uow, c, "withdrawn")
        self._audit(uow, "withdraw", c)
        return self._view(uow, c)

    # --- the clock -------------------------------------------------------------------------
    @requires("complaint.handle")
    def extend(self, uow: UnitOfWork, complaint_id: int, reason: str) -> ComplaintView:
        """Extend to the longer limit (30 days) for a complex case, with the reason."""
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        reason = parse_text(reason, "field.complaint.reason", max_len=1000, required=True)
        state = self._clock(uow, c, dl.EXTEND, "extend", uow.today, reason)
        self._audit(uow, "extend", c, due=state.due_date)
        return self._view(uow, c)

    @requires("complaint.approve")
    def extend_further(self, uow: UnitOfWork, complaint_id: int, reason: str,
                       client_told: bool) -> ComplaintView:
        """A further extension for an especially complex case: the head approves it, and the
        client must have been told."""
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        reason = parse_text(reason, "field.complaint.reason", max_len=1000, required=True)
        if not client_told:
            raise FieldError("field.complaint.client_told", "error.complaint.client_told")
        state = self._clock(uow, c, dl.EXTEND_FURTHER, "extend_further", uow.today, reason,
                            approved_by=uow.actor_id, client_told=True)
        self._audit(uow, "extend_further", c, due=state.due_date)
        return self._view(uow, c)

    @requires("complaint.handle")
    def pause(self, uow: UnitOfWork, complaint_id: int, reason: str,
              client_told: bool) -> ComplaintView:
        """Stop counting while an external appraisal, test or evaluation runs."""
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        reason = parse_text(reason, "field.complaint.reason", max_len=1000, required=True)
        if not client_told:
            raise FieldError("field.complaint.client_told", "error.complaint.client_told")
        self._clock(uow, c, dl.PAUSE, "pause", uow.today, reason, client_told=True)
        self._audit(uow, "pause", c)
        return self._view(uow, c)

    @requires("complaint.handle")
    def resume(self, uow: UnitOfWork, complaint_id: int, note: str = "") -> ComplaintView:
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        note = parse_text(note, "field.complaint.note", max_len=1000)
        state = self._clock(uow, c, dl.RESUME, "resume", uow.today, note)
        self._audit(uow, "resume", c, due=state.due_date)
        return self._view(uow, c)

    @requires("complaint.handle")
    def new_facts(self, uow: UnitOfWork, complaint_id: int, received_on: date,
                  note: str) -> ComplaintView:
        """New facts or reasons: the clock restarts from the day they arrived."""
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        if received_on > uow.today:
            raise FieldError("field.complaint.date", "error.complaint.date_future")
        note = parse_text(note, "field.complaint.note", max_len=2000, required=True)
        state = self._clock(uow, c, dl.RESTART, "new_facts", received_on, note)
        self._audit(uow, "new_facts", c, on=received_on, due=state.due_date)
        return self._view(uow, c)

    # --- closing ---------------------------------------------------------------------------
    @requires("complaint.handle")
    def reply(
        self,
        uow: UnitOfWork,
        complaint_id: int,
        *,
        channel: str,
        content: str,
        options_told: bool,
        remedy: str = "",
        compensation_fen: int = 0,
        replied_on: date | None = None,
    ) -> ComplaintView:
        """The decision told to the client; it stops the clock on the day of the reply."""
        c = self._load(uow, complaint_id)
        self._may_decide(uow, c)
        self._state_in(c, RUNNING)
        if channel not in REPLY_CHANNELS:
            raise FieldError("field.complaint.reply_channel", "error.field.choice",
                             accepted=", ".join(REPLY_CHANNELS))
        content = parse_text(content, "field.complaint.reply_content", max_len=4000,
                             required=True)
        remedy = parse_text(remedy, "field.complaint.remedy", max_len=1000)
        if compensation_fen < 0:
            raise FieldError("field.complaint.compensation", "error.field.amount_negative")
        if not options_told:
            raise FieldError("field.complaint.options_told", "error.complaint.options_required")
        on = replied_on or uow.today
        if on > uow.today:
            raise FieldError("field.complaint.date", "error.complaint.date_future")
        c.reply_channel, c.reply_content, c.options_told = channel, content, True
        c.reply_at = uow.now if on == uow.today else day_bounds_utc(on, self.ctx.tz)[0]
        c.remedy, c.compensation_fen, c.status = remedy, compensation_fen, "replied"
        uow.session.add(c)
        state = self._clock(uow, c, dl.STOP, "reply", on, content, channel=channel,
                            compensation_fen=compensation_fen)
        self._audit(uow, "reply", c, on=on, channel=channel, timely=state.timely,
                    compensation_fen=compensation_fen)
        return self._view(uow, c)

    @requires("complaint.close")
    def close(self, uow: UnitOfWork, complaint_id: int, root_cause: str,
              rectification: str) -> ComplaintView:
        """Close after the reply; the root cause and the rectification are required."""
        c = self._load(uow, complaint_id)
        self._not_recused(uow, c)
        self._state_in(c, ("replied",))
        c.root_cause = parse_text(root_cause, "field.complaint.root_cause", max_len=2000,
                                  required=True)
        c.rectification = parse_text(rectification, "field.complaint.rectification",
                                     max_len=2000, required=True)
        c.status, c.closed_by, c.closed_at = "closed", uow.actor_id, uow.now
        uow.session.add(c)
        self._event(uow, c, "close", c.root_cause, rectification=c.rectification)
        self._end_handoffs(uow, c, "closed")
        self._audit(uow, "close", c)
        return self._view(uow, c)

    @requires("complaint.handle")
    def record_satisfaction(self, uow: UnitOfWork, complaint_id: int, on: date, result: str,
                            note: str = "") -> ComplaintView:
        """The follow-up call after the reply: date and result."""
        c = self._load(uow, complaint_id)
        self._may_work(uow, c)
        self._state_in(c, ("replied", "closed"))
        if result not in SATISFACTION:
            raise FieldError("field.complaint.satisfaction", "error.field.choice",
                             accepted=", ".join(SATISFACTION))
        reply_day = business_date(c.reply_at, self.ctx.tz) if c.reply_at else c.business_date
        if on > uow.today:
            raise FieldError("field.complaint.date", "error.complaint.date_future")
        if on < reply_day:
            raise FieldError("field.complaint.date", "error.complaint.before_reply")
        c.satisfaction_at, c.satisfaction = on, result
        c.satisfaction_note = parse_text(note, "field.complaint.note", max_len=500)
        uow.session.add(c)
        self._event(uow, c, "satisfaction", c.satisfaction_note, on=on.isoformat(), result=result)
        self._audit(uow, "satisfaction", c, result=result)
        return self._view(uow, c)

    # --- views -----------------------------------------------------------------------------
    @requires("complaint.assign", write=False)
    def queue(self, uow: UnitOfWork) -> list[ComplaintView]:
        """The head's queue: complaints still to decide, by due date (overdue first), then those
        replied and waiting to be closed."""
        rows = uow.session.exec(
            select(Complaint).where(col(Complaint.status).in_((*RUNNING, "replied")))
        ).all()
        views = self._views(uow, rows)
        return sorted(views, key=lambda v: (v.status == "replied", v.due_date, v.id))

    @requires("complaint.view", write=False)
    def mine(self, uow: UnitOfWork, *, limit: int = 200) -> list[ComplaintView]:
        """Complaints I received or handle: the ones still open by due date, then the rest,
        newest first."""
        rows = uow.session.exec(
            select(Complaint)
            .where(or_(Complaint.first_receiver_id == uow.actor_id,
                       Complaint.handler_id == uow.actor_id))
            .order_by(col(Complaint.received_at).desc())
            .limit(limit)
        ).all()
        views = self._views(uow, rows)
        active = sorted((v for v in views if v.status not in ENDED),
                        key=lambda v: (v.status == "replied", v.due_date, v.id))
        return active + [v for v in views if v.status in ENDED]

    @requires("complaint.view", write=False)
    def my_complaints(self, uow: UnitOfWork, *, limit: int = 200) -> list[MyComplaint]:
        """Every complaint the actor is part of: as first receiver, as handler (both with the
        detail their work needs) and as the person complained about (read-only, without the
        client's identity). Running ones first by due date, then the ended ones, newest first."""
        assert uow.actor_id is not None
        me = f",{uow.actor_id},"
        rows = uow.session.exec(
            select(Complaint)
            .where(or_(Complaint.first_receiver_id == uow.actor_id,
                       Complaint.handler_id == uow.actor_id,
                       ("," + col(Complaint.staff_complained) + ",").contains(me)))
            .order_by(col(Complaint.received_at).desc())
            .limit(limit)
        ).all()
        out = []
        for v in self._views(uow, rows):
            if uow.actor_id in v.complained_ids:
                as_ = "subject"
            elif v.handler is not None and v.handler.id == uow.actor_id:
                as_ = "handler"
            else:
                as_ = "receiver"
            private = as_ == "subject"
            out.append(MyComplaint(
                id=v.id, ref_no=v.ref_no, as_=as_, status=v.status, category=v.category,
                subcategory=v.subcategory, received_at=v.received_at, due_date=v.due_date,
                days_left=v.days_left, standing=v.standing, next_step=next_step(v),
                handler_name=v.handler.name if v.handler else "",
                client_name="" if private else (v.client_name or v.complainant_name),
                description="" if private else v.description,
            ))
        running = sorted((m for m in out if m.status not in ENDED),
                         key=lambda m: (m.status == "replied", m.due_date, m.id))
        return running + [m for m in out if m.status in ENDED]

    @requires("complaint.stats", write=False)
    def stats(self, uow: UnitOfWork, start: date, end: date) -> ComplaintStats:
        return complaint_stats(uow.session, self.settings, start, end, uow.today)


def _person_name(text: str) -> str:
    try:
        return parse_name(text)
    except FieldError as exc:
        raise FieldError("field.complaint.name", exc.key, **exc.params) from exc


def _person_phone(text: str) -> str:
    try:
        return parse_mobile(text)
    except FieldError as exc:
        raise FieldError("field.complaint.phone", exc.key, **exc.params) from exc


def _same_complainant(a: Complaint, b: Complaint) -> bool:
    if a.client_id is not None or b.client_id is not None:
        return a.client_id == b.client_id
    return bool(a.complainant_phone) and a.complainant_phone == b.complainant_phone
