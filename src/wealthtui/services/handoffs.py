"""Hand-offs: every hand-over between people is a record (DESIGN.md §2.6).

from → to (a person, or a role whose members all see it until one accepts), kind, client,
note, due time, status open → accepted → done, or declined with a reason, or expired.

The life of a hand-off (issue 16):
- overdue only while it waits on someone: open and not taken past its due time; accepted is
  "in progress", overdue only past `handoffs.complete_within_minutes` when that is set
  (model.handoff.is_overdue, also the SQL of the reports);
- `expire_overdue` returns an open hand-off nobody took `handoffs.expire_after_hours` after its
  due time to its sender: it is marked expired and the sender gets a "returned" hand-off (a
  notice in their inbox, to the sender's first role when the sender has left). It runs on day
  open (services.day) and on a timer of every signed-in screen (ui/widgets/inbox.py);
- a hand-off of a closed day can still be accepted, declined or done: only its lifecycle
  columns change (Handoff.__lifecycle_columns__), which is finishing it, not changing the day;
- at a close the head carries the open ones over (`carry_in`, from services.day);
- a hand-off about a record that ends (subject_type/subject_id: a complaint, an authorisation,
  a checklist run) is done when that record ends (`end_for`, called by those services).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import aliased
from sqlmodel import and_, col, func, or_, select

from wealthtui.model import BusinessDay, Client, Handoff, Staff, Ticket
from wealthtui.model.handoff import is_overdue
from wealthtui.model.status import HandoffStatus
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

KINDS = ("premium_arrival", "referral", "lead", "cm_change", "escalation", "cash_business",
         "shift", "general", "returned")
#: what a hand-off may be about (it ends with it)
SUBJECTS = ("", "complaint", "authorization", "checklist_run")
SOURCES = ("", "lobby", "cash_counter", "non_cash_counter", "cm", "head", "system")
OPEN = (HandoffStatus.OPEN, HandoffStatus.ACCEPTED)


#: how many of the open hand-offs the close of a day shows (the rest are counted)
SHOWN_AT_CLOSE = 20


def open_until_clause(day: date):  # type: ignore[no-untyped-def]
    """Open and accepted hand-offs of `day` or earlier that no close has carried past `day`
    (served by the index ix_handoff_open: status, business_date, carried_to, kind, id)."""
    return and_(
        col(Handoff.status).in_(OPEN), Handoff.business_date <= day,
        or_(col(Handoff.carried_to).is_(None), col(Handoff.carried_to) <= day),
        col(Handoff.kind) != "returned",
    )


@dataclass(frozen=True)
class HandoffsSeen:
    """What the head was shown of the open hand-offs at a close: how many, and the newest id
    (a hand-off that arrives later has a higher id; one that ends lowers the count)."""

    count: int
    newest_id: int | None


@dataclass(frozen=True)
class HandoffView:
    id: int
    kind: str
    status: str
    from_staff_id: int
    from_name: str
    to_staff_id: int | None
    to_name: str
    to_role: str | None
    client_id: int | None
    client_name: str
    client_tier: str
    ticket_no: str
    source: str
    note: str
    created_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    outcome: str
    decline_reason: str
    manual_section: str
    subject_type: str = ""
    subject_id: int | None = None
    carried_to: date | None = None
    business_date: date | None = None
    complete_within_minutes: int = 0

    def overdue(self, now: datetime) -> bool:
        """Waiting on someone past its time (model.handoff.is_overdue)."""
        return is_overdue(self.status, self.due_at, self.accepted_at, now,
                          self.complete_within_minutes)


@dataclass(frozen=True)
class OpenAtClose:
    """The open hand-offs a close of a day finds: the count, the newest id, the first shown."""

    count: int
    newest_id: int | None
    shown: tuple[HandoffView, ...]

    @property
    def seen(self) -> HandoffsSeen:
        return HandoffsSeen(self.count, self.newest_id)


def _views_query():  # type: ignore[no-untyped-def]
    sender, receiver = aliased(Staff), aliased(Staff)
    return (
        select(Handoff, sender.name, receiver.name, Client.name, Client.tier, Ticket.display_no)
        .join(sender, sender.id == Handoff.from_staff_id)
        .outerjoin(receiver, receiver.id == Handoff.to_staff_id)
        .outerjoin(Client, Client.id == Handoff.client_id)
        .outerjoin(Ticket, Ticket.id == Handoff.ticket_id)
        .order_by(col(Handoff.created_at).desc(), col(Handoff.id).desc())
    )


#: hand-offs with the names their views show, newest first (built once; views_in adds the
#: WHERE)
_VIEWS = _views_query()


class HandoffService(Service):
    # --- queries ---------------------------------------------------------------------------
    def views_in(self, uow: UnitOfWork, where) -> list[HandoffView]:  # type: ignore[no-untyped-def]
        """The hand-offs `where` selects, as views (the read model other services show too)."""
        query = _VIEWS.where(where)
        within = uow.settings.handoffs.complete_within_minutes
        return [
            HandoffView(
                id=h.id, kind=h.kind, status=h.status, from_staff_id=h.from_staff_id,
                from_name=from_name, to_staff_id=h.to_staff_id, to_name=to_name or "",
                to_role=h.to_role, client_id=h.client_id, client_name=client_name or "",
                client_tier=client_tier or "", ticket_no=ticket_no or "", source=h.source,
                note=h.note, created_at=h.created_at, accepted_at=h.accepted_at,
                closed_at=h.closed_at, due_at=h.due_at, outcome=h.outcome,
                decline_reason=h.decline_reason, manual_section=h.manual_section,
                subject_type=h.subject_type, subject_id=h.subject_id, carried_to=h.carried_to,
                business_date=h.business_date, complete_within_minutes=within,
            )
            for h, from_name, to_name, client_name, client_tier, ticket_no in uow.session.exec(query)
        ]

    def _addressed_to(self, uow: UnitOfWork):  # type: ignore[no-untyped-def]
        return or_(
            Handoff.to_staff_id == uow.actor_id,
            and_(col(Handoff.to_staff_id).is_(None), col(Handoff.to_role).in_(uow.roles)),
        )

    @requires("handoff.view", write=False)
    def inbox(self, uow: UnitOfWork, *, include_closed_today: bool = True) -> list[HandoffView]:
        """Hand-offs addressed to me or to a role I hold: open and accepted ones, and
        (optionally) today's closed ones."""
        state = col(Handoff.status).in_(OPEN)
        if include_closed_today:
            state = or_(state, Handoff.business_date == uow.today)
        return self.views_in(uow, and_(self._addressed_to(uow), state))

    @requires("handoff.view", write=False)
    def sent(self, uow: UnitOfWork, *, since_days: int = 0) -> list[HandoffView]:
        """Hand-offs I created (so that I see whether they were accepted)."""
        first = uow.today - timedelta(days=since_days)
        return self.views_in(
            uow, and_(Handoff.from_staff_id == uow.actor_id, Handoff.business_date >= first)
        )

    @requires("handoff.view_all", write=False)
    def open_all(self, uow: UnitOfWork) -> list[HandoffView]:
        return self.views_in(uow, col(Handoff.status).in_(OPEN))

    @requires("handoff.view", write=False)
    def get(self, uow: UnitOfWork, handoff_id: int) -> HandoffView:
        h = self._load(uow, handoff_id)
        if not (self._is_party(uow, h) or uow.can("handoff.view_all")):
            raise PermissionDenied("error.handoff.not_yours")
        return self.views_in(uow, Handoff.id == handoff_id)[0]

    # --- changes ---------------------------------------------------------------------------
    def _load(self, uow: UnitOfWork, handoff_id: int) -> Handoff:
        h = uow.session.get(Handoff, handoff_id)
        if h is None:
            raise NotFound("error.handoff.not_found", id=handoff_id)
        return h

    def _is_addressee(self, uow: UnitOfWork, h: Handoff) -> bool:
        if h.to_staff_id is not None:
            return h.to_staff_id == uow.actor_id
        return h.to_role in uow.roles

    def _is_party(self, uow: UnitOfWork, h: Handoff) -> bool:
        return h.from_staff_id == uow.actor_id or self._is_addressee(uow, h)

    def _respondable(self, uow: UnitOfWork, h: Handoff, states: tuple[str, ...]) -> None:
        if not self._is_addressee(uow, h):
            raise PermissionDenied("error.handoff.not_yours")
        if h.status not in states:
            raise Conflict("error.handoff.state", status=h.status)

    def create_in(
        self,
        uow: UnitOfWork,
        *,
        kind: str,
        to_staff_id: int | None = None,
        to_role: str | None = None,
        client_id: int | None = None,
        ticket_id: int | None = None,
        note: str = "",
        source: str = "",
        due_at: datetime | None = None,
        manual_section: str = "",
        rerouted_from_id: int | None = None,
        subject_type: str = "",
        subject_id: int | None = None,
    ) -> Handoff:
        """Create a hand-off inside another service's unit of work (no permission check:
        the calling service has checked its own action)."""
        if kind not in KINDS:
            raise FieldError("field.handoff_kind", "error.field.choice", accepted=", ".join(KINDS))
        if source not in SOURCES:
            raise FieldError("field.source", "error.field.choice", accepted=", ".join(SOURCES))
        if subject_type not in SUBJECTS or (subject_type == "") != (subject_id is None):
            raise FieldError("handoff.lifecycle.subject", "error.field.choice",
                             accepted=", ".join(s for s in SUBJECTS if s))
        if (to_staff_id is None) == (to_role is None):
            raise FieldError("field.handoff_to", "error.handoff.to_one")
        if to_role is not None and to_role not in permissions.ROLES:
            raise FieldError("field.handoff_to", "error.field.roles", accepted=", ".join(permissions.ROLES))
        if to_staff_id is not None:
            target = uow.session.get(Staff, to_staff_id)
            if target is None or not target.active:
                raise FieldError("field.handoff_to", "error.handoff.inactive_target")
            if to_staff_id == uow.actor_id:
                raise FieldError("field.handoff_to", "error.handoff.to_self")
        if client_id is not None and uow.session.get(Client, client_id) is None:
            raise NotFound("error.client.not_found", id=client_id)
        if due_at is None:
            due_at = uow.now + timedelta(minutes=uow.settings.handoffs.default_due_minutes)
        assert uow.actor_id is not None
        h = Handoff(
            kind=kind, business_date=uow.today, from_staff_id=uow.actor_id,
            to_staff_id=to_staff_id, to_role=to_role, client_id=client_id, ticket_id=ticket_id,
            source=source, note=parse_text(note, "field.note", max_len=1000), due_at=due_at,
            created_at=uow.now, manual_section=manual_section, rerouted_from_id=rerouted_from_id,
            subject_type=subject_type, subject_id=subject_id,
        )
        uow.session.add(h)
        uow.session.flush()
        uow.audit("handoff.create", "handoff", h.id, manual_section=manual_section, kind=kind,
                  to_staff_id=to_staff_id, to_role=to_role, client_id=client_id,
                  subject_type=subject_type or None, subject_id=subject_id)
        return h

    @requires("handoff.create")
    def create(self, uow: UnitOfWork, **fields: object) -> HandoffView:
        h = self.create_in(uow, **fields)  # type: ignore[arg-type]
        return self.views_in(uow, Handoff.id == h.id)[0]

    @requires("handoff.respond")
    def accept(self, uow: UnitOfWork, handoff_id: int) -> HandoffView:
        h = self._load(uow, handoff_id)
        self._respondable(uow, h, ("open",))
        h.status, h.accepted_at = "accepted", uow.now
        h.to_staff_id = uow.actor_id  # claims a hand-off addressed to a role
        uow.session.add(h)
        uow.audit("handoff.accept", "handoff", h.id, manual_section=h.manual_section)
        return self.views_in(uow, Handoff.id == h.id)[0]

    @requires("handoff.respond")
    def decline(self, uow: UnitOfWork, handoff_id: int, reason: str) -> HandoffView:
        h = self._load(uow, handoff_id)
        self._respondable(uow, h, OPEN)
        h.decline_reason = parse_text(reason, "field.reason", max_len=500, required=True)
        h.status, h.closed_at = "declined", uow.now
        uow.session.add(h)
        uow.audit("handoff.decline", "handoff", h.id, manual_section=h.manual_section,
                  reason=h.decline_reason)
        return self.views_in(uow, Handoff.id == h.id)[0]

    @requires("handoff.respond")
    def complete(self, uow: UnitOfWork, handoff_id: int, outcome: str = "") -> HandoffView:
        h = self._load(uow, handoff_id)
        self._respondable(uow, h, OPEN)
        h.outcome = parse_text(outcome, "field.outcome", max_len=500)
        if h.status == "open":
            h.accepted_at = uow.now
            h.to_staff_id = uow.actor_id
        h.status, h.closed_at = "done", uow.now
        uow.session.add(h)
        uow.audit("handoff.done", "handoff", h.id, manual_section=h.manual_section,
                  outcome=h.outcome)
        return self.views_in(uow, Handoff.id == h.id)[0]

    @requires("handoff.reroute")
    def reroute(
        self, uow: UnitOfWork, handoff_id: int, *, to_staff_id: int | None = None,
        to_role: str | None = None, note: str = "",
    ) -> HandoffView:
        """Send an open hand-off to someone else: the old one is declined as re-routed and a new
        one carries the same client, ticket and note."""
        old = self._load(uow, handoff_id)
        if old.status not in OPEN:
            raise Conflict("error.handoff.state", status=old.status)
        old.status, old.closed_at, old.decline_reason = "declined", uow.now, "rerouted"
        uow.session.add(old)
        uow.audit("handoff.reroute", "handoff", old.id, manual_section=old.manual_section,
                  to_staff_id=to_staff_id, to_role=to_role)
        new = self.create_in(
            uow, kind=old.kind, to_staff_id=to_staff_id, to_role=to_role,
            client_id=old.client_id, ticket_id=old.ticket_id,
            note=(note or old.note), source=old.source, manual_section=old.manual_section,
            rerouted_from_id=old.id, subject_type=old.subject_type, subject_id=old.subject_id,
        )
        return self.views_in(uow, Handoff.id == new.id)[0]

    # --- the life of a hand-off ------------------------------------------------------------
    def end_for(self, uow: UnitOfWork, subject_type: str, subject_id: int, why: str) -> int:
        """Inside another service's unit of work: the hand-offs about a record that has just
        ended (a complaint closed, an authorisation decided, a checklist run finished) are done,
        with `why` (a catalog key's text or a short code) as their outcome. Returns how many."""
        rows = uow.session.exec(
            select(Handoff).where(Handoff.subject_type == subject_type,
                                  Handoff.subject_id == subject_id,
                                  col(Handoff.status).in_(OPEN))
        ).all()
        for h in rows:
            h.status, h.closed_at, h.outcome = "done", uow.now, why[:500]
            uow.session.add(h)
            uow.audit("handoff.done", "handoff", h.id, manual_section=h.manual_section,
                      outcome=h.outcome, ended_with=f"{subject_type}:{subject_id}")
        return len(rows)

    def open_until(self, uow: UnitOfWork, day: date, *, shown: int | None = None,
                   skip: Collection[int] = ()) -> OpenAtClose:
        """Open and accepted hand-offs of `day` or earlier that no close has carried past
        `day` (what the close of `day` lists): how many, the newest id, and the oldest `shown`
        as views. `skip`: ids left out (those the head has explained). Three bounded
        statements, whatever the number open (the index ix_handoff_open, migration 0018)."""
        where = open_until_clause(day)
        if skip:
            where = and_(where, col(Handoff.id).not_in(list(skip)))
        count, newest = uow.session.exec(
            select(func.count(), func.max(Handoff.id)).where(where)).one()
        if not count:
            return OpenAtClose(0, None, ())
        first = list(uow.session.exec(
            select(Handoff.id).where(where)
            .order_by(col(Handoff.business_date), col(Handoff.id))
            .limit(SHOWN_AT_CLOSE if shown is None else shown)))
        views = sorted(self.views_in(uow, col(Handoff.id).in_(first)) if first else [],
                       key=lambda v: (v.business_date or day, v.id))
        return OpenAtClose(int(count), newest, tuple(views))

    def open_among(self, uow: UnitOfWork, day: date, ids: Collection[int]) -> list[int]:
        """Those of `ids` that are open until `day` (in id order)."""
        if not ids:
            return []
        return list(uow.session.exec(
            select(Handoff.id).where(open_until_clause(day), col(Handoff.id).in_(sorted(set(ids))))
            .order_by(col(Handoff.id))))

    def carry_in(self, uow: UnitOfWork, day: date, *, ids: Collection[int] | None = None,
                 seen: HandoffsSeen | None = None) -> int:
        """Inside the day service's unit of work (the head's `day.close` permission checked
        there): carry open hand-offs of `day` or earlier over to the following day
        (`carried_to`); they stay in their addressees' inboxes, each with its own audit row.
        Returns how many.

        `ids`: exactly these (each must be open until `day`, or Conflict). Otherwise every one
        open until `day`; with `seen` (the count and newest id the head was shown) only when
        that is still the set: one that arrived or ended since the head looked is a Conflict
        that says so, and nothing is carried."""
        where = open_until_clause(day)
        if ids is not None:
            wanted = sorted(set(ids))
            rows = list(uow.session.exec(
                select(Handoff).where(where, col(Handoff.id).in_(wanted)).order_by(col(Handoff.id))
            )) if wanted else []
            found = {h.id for h in rows}
            missing = [hid for hid in wanted if hid not in found]
            if missing:
                raise Conflict("error.routines.not_carryable", id=missing[0])
        else:
            rows = list(uow.session.exec(select(Handoff).where(where).order_by(col(Handoff.id))))
            if seen is not None:
                now = HandoffsSeen(len(rows), rows[-1].id if rows else None)
                if now != seen:
                    raise Conflict("close_handoffs.handoffs_changed", seen=seen.count, now=now.count)
        for h in rows:
            h.carried_to = day + timedelta(days=1)
            uow.session.add(h)
            uow.audit("handoff.carry", "handoff", h.id, manual_section=h.manual_section,
                      from_day=h.business_date.isoformat(), to_day=h.carried_to.isoformat())
        return len(rows)

    def _sender_address(self, uow: UnitOfWork, h: Handoff) -> tuple[int | None, str | None]:
        sender = uow.session.get(Staff, h.from_staff_id)
        if sender is not None and sender.active:
            return sender.id, None
        roles = sorted(sender.role_set) if sender is not None else []
        return None, (roles[0] if roles else permissions.HEAD)

    def expire_in(self, uow: UnitOfWork) -> int:
        """`expire_overdue` inside another service's unit of work (day open)."""
        today = uow.session.get(BusinessDay, uow.today)
        if today is not None and today.status == "closed":
            return 0  # no notice can be written into a closed day; the next day's run does it
        limit = uow.now - timedelta(hours=uow.settings.handoffs.expire_after_hours)
        stale = uow.session.exec(
            select(Handoff).where(Handoff.status == HandoffStatus.OPEN, col(Handoff.due_at) < limit,
                                  col(Handoff.kind) != "returned")
            .order_by(col(Handoff.id))
        ).all()
        english = uow.settings.ui.language == "en"
        for h in stale:
            h.status, h.closed_at = "expired", uow.now
            uow.session.add(h)
            to_staff, to_role = self._sender_address(uow, h)
            head = ("Not taken in time, back to you: " if english else "未在时限内接收，退回：")
            notice = Handoff(
                kind="returned", business_date=uow.today, from_staff_id=h.from_staff_id,
                to_staff_id=to_staff, to_role=to_role, client_id=h.client_id,
                ticket_id=h.ticket_id, source="system", note=(head + h.note)[:1000],
                due_at=None, created_at=uow.now, manual_section=h.manual_section,
                rerouted_from_id=h.id,
            )
            uow.session.add(notice)
            uow.session.flush()
            uow.audit("handoff.expire", "handoff", h.id, manual_section=h.manual_section,
                      returned_as=notice.id, to_staff_id=to_staff, to_role=to_role)
        return len(stale)

    @requires("handoff.view", write=False)
    def expiry_due(self, uow: UnitOfWork) -> bool:
        """Whether `expire_overdue` has anything to do (a read: the screens' timer asks this
        first, so that a quiet center sees no write transaction)."""
        limit = uow.now - timedelta(hours=uow.settings.handoffs.expire_after_hours)
        return uow.session.exec(
            select(Handoff.id).where(Handoff.status == HandoffStatus.OPEN, col(Handoff.due_at) < limit,
                                     col(Handoff.kind) != "returned").limit(1)
        ).first() is not None

    @requires("handoff.view")
    def expire_overdue(self, uow: UnitOfWork) -> int:
        """Hand-offs still open (nobody took them) `handoffs.expire_after_hours` after their
        due time are expired and go back to their sender as a "returned" hand-off (to the
        sender's first role when the sender is no longer active). Returns how many."""
        return self.expire_in(uow)
