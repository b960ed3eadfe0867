"""Exclusive client managers (专属客户经理): assignment, CM change, portfolio, exceptions, and the
CM's side of hand-offs.

- Every premium client has one exclusive CM and never two (manual ch.2 §5.1). The assignment
  history is effective-dated (`CMAssignment`); the database refuses a second open assignment for a
  client (partial unique index `uq_cm_assignment_active`).
- A CM change (the head names a successor for one client, or for a departing CM's whole book)
  closes the old assignment, opens the new one, starts the CM-change checklist of each client and
  tells the successor through a hand-off. The new CM's first direct contact is due within
  `contact.cm_change_first_contact_days` (one month by default, ch.2 §5.1); the clock shows on both
  CMs' screens and the head's, and is overdue afterwards.
- CM assistants are attached to CMs by the head (`CMAssistant`, effective-dated): an assistant
  serves the CMs they are attached to, one or several (ch.2 §2.13: assistants are given to busy
  senior CMs, alone or shared).
- Portfolio: a CM's clients by tier with last contact and next due, and its size against
  `contact.portfolio_min/max` (100–200 for a wealth CM, manual digest §3.5).
- Exceptions for the head: premium clients without a CM, CM changes past the first-contact
  deadline, CMs outside the portfolio range.
- Inbox: a premium arrival waiting longer than `handoffs.arrival_late_minutes` is late; a CM who
  declines one sends it to the duty CM, or back to the lobby when there is none; the cash part of a
  client's business goes to the cash tellers with a note (ch.2 §2.9 item 3: the CM does not do
  teller work).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import and_, col, or_, select

from wealthtui.citations import service_section
from wealthtui.config import Settings
from wealthtui.model import (
    Client,
    CMAssignment,
    CMAssistant,
    ContactLog,
    Handoff,
    Lead,
    Staff,
    Target,
    TargetList,
)
from wealthtui.model.status import HandoffStatus, TargetListStatus
from wealthtui.reports import cm_changes, entitlement
from wealthtui.rules import file_access, permissions
from wealthtui.rules.agenda import DIRECT_CHANNELS
from wealthtui.rules.clock import business_date, day_bounds_utc
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services import roster
from wealthtui.services.base import Context, Service, UnitOfWork, requires
from wealthtui.services.checklists import ChecklistService
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied
from wealthtui.services.handoffs import OPEN, HandoffService, HandoffView

SECTION_EXCLUSIVE = service_section("assignments.SECTION_EXCLUSIVE")
SECTION_CM = service_section("assignments.SECTION_CM")
SECTION_ASSISTANT = service_section("assignments.SECTION_ASSISTANT")
SECTION_ARRIVAL = service_section("assignments.SECTION_ARRIVAL")
CM_CHANGE_PROCEDURE = "cm_change"  # data/procedures/cm_change.toml

#: roles that may be a client's exclusive CM (the head serves key clients personally, ch.2 §2.12)
CM_ROLES = permissions.CMS | {permissions.HEAD}


# --- helpers used by the other CM-desk services -------------------------------------------------
def entitled_by(settings: Settings) -> tuple[list[str], list[str]]:
    """Who is entitled to an exclusive CM (manual ch.2 §5): reports.entitlement.entitled_by."""
    return entitlement.entitled_by(settings)


#: a lead still to be worked (converted and dropped ones are done)
OPEN_LEAD = ("new", "contacted")


def _load(uow: UnitOfWork, cm_ids: list[int]) -> dict[int, int]:
    """Open leads owned by each of `cm_ids`."""
    rows = uow.session.exec(
        select(Lead.owner_id, func.count()).where(col(Lead.owner_id).in_(cm_ids),
                                                  col(Lead.status).in_(OPEN_LEAD))
        .group_by(Lead.owner_id)).all()
    return {cm: n for cm, n in rows if cm is not None}


def spread_lead(uow: UnitOfWork, exclude: set[int] | frozenset[int] = frozenset()) -> int | None:
    """The CM in today's roster (in, holding a CM role, not in `exclude`) who gets a lead or
    referral that names no CM, by [ownership] lead_distribution: `fewest_open` — the fewest open
    leads owned, then the staff number; `round_robin` — the one after the owner of the latest
    lead spread to one of them, by staff number. None when no CM is in."""
    cms = roster.cms_in(uow.session, uow.today, exclude=exclude)
    ids = [s.id for s in cms if s.id is not None]
    if not ids:
        return None
    if uow.settings.ownership.lead_distribution == "round_robin":
        last = uow.session.exec(
            select(Lead.owner_id).where(col(Lead.owner_id).in_(ids))
            .order_by(col(Lead.id).desc()).limit(1)).first()
        return ids[(ids.index(last) + 1) % len(ids)] if last in ids else ids[0]
    load = _load(uow, ids)
    return min(ids, key=lambda i: (load.get(i, 0), ids.index(i)))


def lead_owner(uow: UnitOfWork, client_id: int | None) -> int | None:
    """Who owns a new lead or referral that names no CM: the client's exclusive CM when active
    and not away today (and not the actor), else a CM of today's roster spread by load
    (spread_lead); None when there is none (the hand-off then goes to the wealth CMs' role)."""
    me = uow.actor_id or 0
    if client_id is not None:
        cm_id = uow.session.exec(
            select(CMAssignment.cm_id).join(Staff, Staff.id == CMAssignment.cm_id)
            .where(CMAssignment.client_id == client_id, col(CMAssignment.end_at).is_(None),
                   col(Staff.active).is_(True))).first()
        if cm_id is not None and cm_id != me and not roster.is_away(uow.session, uow.today,
                                                                   cm_id):
            return cm_id
    return spread_lead(uow, exclude={me})


def active_assignment(uow: UnitOfWork, client_id: int) -> CMAssignment | None:
    return uow.session.exec(
        select(CMAssignment).where(CMAssignment.client_id == client_id,
                                   col(CMAssignment.end_at).is_(None))
    ).first()


def active_cm_id(uow: UnitOfWork, client_id: int) -> int | None:
    current = active_assignment(uow, client_id)
    return current.cm_id if current else None


def assisted_cm_ids(uow: UnitOfWork, assistant_id: int | None) -> list[int]:
    """The CMs an assistant is attached to now."""
    if assistant_id is None:
        return []
    return list(uow.session.exec(
        select(CMAssistant.cm_id).where(CMAssistant.assistant_id == assistant_id,
                                        col(CMAssistant.end_at).is_(None))
    ).all())


def desk_cm_ids(uow: UnitOfWork) -> list[int]:
    """Whose clients the actor works on: their own, and those of the CMs they assist."""
    assert uow.actor_id is not None
    ids = [uow.actor_id]
    if permissions.CM_ASSISTANT in uow.roles:
        ids += [i for i in assisted_cm_ids(uow, uow.actor_id) if i not in ids]
    return ids


def relation_in(uow: UnitOfWork, client_id: int) -> file_access.Relation:
    """How the actor relates to the client: their CM, their CM's assistant, or work about them."""
    me = uow.actor_id
    cm_id = active_cm_id(uow, client_id)
    assists = (cm_id is not None and permissions.CM_ASSISTANT in uow.roles
               and cm_id in assisted_cm_ids(uow, me))
    handoff = uow.session.exec(
        select(Handoff.id).where(
            Handoff.client_id == client_id,
            or_(and_(col(Handoff.status).in_(OPEN),
                     or_(Handoff.to_staff_id == me,
                         and_(col(Handoff.to_staff_id).is_(None),
                              col(Handoff.to_role).in_(uow.roles)))),
                and_(Handoff.status == HandoffStatus.DONE, Handoff.to_staff_id == me,
                     Handoff.business_date == uow.today)),
        ).limit(1)
    ).first()
    target = None
    if handoff is None:
        target = uow.session.exec(
            select(Target.id).join(TargetList, TargetList.id == Target.list_id)
            .where(Target.client_id == client_id, Target.cm_id == me,
                   TargetList.status == TargetListStatus.OPEN).limit(1)
        ).first()
    return file_access.Relation(
        has_cm=cm_id is not None, is_their_cm=cm_id is not None and cm_id == me,
        assists_their_cm=assists, has_work=handoff is not None or target is not None,
    )


def check_file_access(uow: UnitOfWork, client_id: int, action: str = file_access.VIEW) -> None:
    """Raise PermissionDenied unless the actor may work on this client's file."""
    refusal = file_access.refusal(uow.roles, relation_in(uow, client_id), action)
    if refusal is not None:
        raise PermissionDenied(refusal, action=action)


def record_step_in(checklists: ChecklistService, uow: UnitOfWork, run_id: int, step_id: str,
                   value: str = "") -> None:
    """Record a step of a checklist run inside the caller's unit of work, so it commits (or not)
    with the caller's change (the engine's checks, hand-offs and audit all apply)."""
    checklists.record_in(uow, run_id, step_id, value)


def local_date(uow: UnitOfWork, at: datetime) -> date:
    return business_date(at, uow.ctx.tz)


def arrival_late(h: HandoffView, now: datetime, minutes: int) -> bool:
    """A premium arrival still not accepted after `minutes` is late (shown to the CM, the lobby
    and the head)."""
    return (h.kind == "premium_arrival" and h.status == "open"
            and now - h.created_at > timedelta(minutes=minutes))


# --- views --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssignmentView:
    id: int
    client_id: int
    client_name: str
    cm_id: int
    cm_name: str
    start_at: datetime
    end_at: datetime | None
    reason: str
    assigned_by_name: str


@dataclass(frozen=True)
class ChangeClockView:
    """A CM change whose new CM must make the first direct contact (ch.2 §5.1)."""

    assignment_id: int
    client_id: int
    client_name: str
    client_tier: str
    from_cm_id: int | None
    from_cm_name: str
    to_cm_id: int
    to_cm_name: str
    started_on: date
    due_on: date
    first_contact_on: date | None

    def overdue(self, today: date) -> bool:
        return self.first_contact_on is None and today > self.due_on

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


@dataclass(frozen=True)
class PortfolioRow:
    client_id: int
    name: str
    tier: str
    aum_fen: int
    cm_since: date
    last_contact: date | None
    next_due: date | None

    def overdue(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today


@dataclass(frozen=True)
class Portfolio:
    cm_id: int
    cm_name: str
    rows: tuple[PortfolioRow, ...]
    by_tier: tuple[tuple[str, int], ...]
    minimum: int
    maximum: int
    checked: bool  # the CM holds one of contact.portfolio_roles

    @property
    def size(self) -> int:
        return len(self.rows)

    @property
    def state(self) -> str:
        """below | within | above | unchecked."""
        if not self.checked:
            return "unchecked"
        if self.size < self.minimum:
            return "below"
        if self.size > self.maximum:
            return "above"
        return "within"


@dataclass(frozen=True)
class CMLoad:
    cm_id: int
    staff_no: str
    name: str
    size: int
    state: str  # below | above


@dataclass(frozen=True)
class ClientRef:
    client_id: int
    name: str
    tier: str
    aum_fen: int
    #: why the client is entitled to an exclusive CM: "tier" (a premium tier, or one that
    #: [ownership] exclusive_cm_tiers names) or "card" (an open card of exclusive_cm_products)
    entitled_by: str = "tier"


@dataclass(frozen=True)
class Exceptions:
    premium_without_cm: tuple[ClientRef, ...]
    overdue_changes: tuple[ChangeClockView, ...]
    portfolio_out_of_range: tuple[CMLoad, ...]
    #: all the clients entitled to a CM without one, when premium_without_cm lists only the
    #: first of them (exceptions_shown); None: it lists them all
    without_cm_total: int | None = None
    #: clients held per staff id (reports.entitlement.book_sizes), read once for the ranges
    #: above and the staff list's clients column
    book_sizes: dict[int, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        without = (self.without_cm_total if self.without_cm_total is not None
                   else len(self.premium_without_cm))
        return without + len(self.overdue_changes) + len(self.portfolio_out_of_range)


@dataclass(frozen=True)
class AssistantLink:
    id: int
    assistant_id: int
    assistant_name: str
    cm_id: int
    cm_name: str
    start_at: datetime


# --- the service --------------------------------------------------------------------------------
class AssignmentService(Service):
    def __init__(self, ctx: Context, *, checklists: ChecklistService,
                 handoffs: HandoffService) -> None:
        super().__init__(ctx)
        self.checklists = checklists
        self._handoffs = handoffs

    # --- queries ---------------------------------------------------------------------------
    def _assignment_views(self, uow: UnitOfWork, where) -> list[AssignmentView]:  # type: ignore[no-untyped-def]
        cm, by = aliased(Staff), aliased(Staff)
        rows = uow.session.exec(
            select(CMAssignment, Client.name, cm.name, by.name)
            .join(Client, Client.id == CMAssignment.client_id)
            .join(cm, cm.id == CMAssignment.cm_id)
            .outerjoin(by, by.id == CMAssignment.assigned_by)
            .where(where)
            .order_by(col(CMAssignment.start_at).desc(), col(CMAssignment.id).desc())
        ).all()
        return [
            AssignmentView(a.id, a.client_id, client_name, a.cm_id, cm_name, a.start_at,
                           a.end_at, a.reason, by_name or "")
            for a, client_name, cm_name, by_name in rows
        ]

    @requires("client.file.view", write=False)
    def history(self, uow: UnitOfWork, client_id: int) -> list[AssignmentView]:
        """The client's exclusive CMs, newest first (the client file checks who may see it)."""
        return self._assignment_views(uow, CMAssignment.client_id == client_id)

    def _check_desk(self, uow: UnitOfWork, cm_id: int) -> None:
        """A CM sees their own desk, an assistant the desks of their CMs, the head every desk."""
        if permissions.HEAD in uow.roles or cm_id in desk_cm_ids(uow):
            return
        raise PermissionDenied("error.cm.not_your_desk")

    @requires("agenda.view", write=False)
    def portfolio(self, uow: UnitOfWork, cm_id: int | None = None) -> Portfolio:
        """A CM's clients by tier with last contact and next due, and the size against the range."""
        cm_id = cm_id if cm_id is not None else uow.actor_id
        assert cm_id is not None
        self._check_desk(uow, cm_id)
        staff = uow.session.get(Staff, cm_id)
        if staff is None:
            raise NotFound("error.cm.not_found", id=cm_id)
        return self.portfolio_in(uow, staff)

    def portfolio_in(self, uow: UnitOfWork, staff: Staff) -> Portfolio:
        cfg = uow.settings.contact
        # each client's last contact from the index on (client_id, at): the book's clients
        # only, not a GROUP BY over the whole center's contacts
        last_at = (select(func.max(ContactLog.at)).where(ContactLog.client_id == Client.id)
                   .correlate(Client).scalar_subquery())
        rows = uow.session.exec(
            select(Client.id, Client.name, Client.tier, Client.aum_fen, CMAssignment.start_at,
                   last_at)
            .join(CMAssignment, CMAssignment.client_id == Client.id)
            .where(CMAssignment.cm_id == staff.id, col(CMAssignment.end_at).is_(None))
        ).all()
        follow = dict(uow.session.exec(
            select(ContactLog.client_id, func.min(ContactLog.next_date))
            .join(CMAssignment, CMAssignment.client_id == ContactLog.client_id)
            .where(CMAssignment.cm_id == staff.id, col(CMAssignment.end_at).is_(None),
                   col(ContactLog.next_date).is_not(None),
                   col(ContactLog.follow_up_done_id).is_(None))
            .group_by(ContactLog.client_id)
        ).all())
        tier_order = {t.code: i for i, t in enumerate(uow.settings.tiers)}
        out: list[PortfolioRow] = []
        for client_id, name, tier, aum, start_at, last_at in rows:
            since = local_date(uow, start_at)
            last_contact = local_date(uow, last_at) if last_at else None
            cadence = cfg.cadence_days.get(tier)
            due = (last_contact or since) + timedelta(days=cadence) if cadence else None
            promised = follow.get(client_id)
            if promised is not None and (due is None or promised < due):
                due = promised
            out.append(PortfolioRow(client_id, name, tier, aum, since, last_contact, due))
        out.sort(key=lambda r: (-tier_order.get(r.tier, -1), r.next_due or date.max, r.name))
        counts = Counter(r.tier for r in out)
        by_tier = tuple((t.code, counts.get(t.code, 0)) for t in reversed(uow.settings.tiers))
        checked = bool(staff.role_set & set(cfg.portfolio_roles))
        assert staff.id is not None
        return Portfolio(staff.id, staff.name, tuple(out), by_tier, cfg.portfolio_min,
                         cfg.portfolio_max, checked)

    # --- CM-change clocks ------------------------------------------------------------------
    def clocks_in(self, uow: UnitOfWork, where=None, *, from_cms: list[int] | None = None,  # type: ignore[no-untyped-def]
                  unmet_only: bool = False, met_since: date | None = None
                  ) -> list[ChangeClockView]:
        """Open assignments that followed another CM's, with the first direct contact (if any).

        One statement: each clock's first direct contact is a correlated MIN over the client's
        own contacts (the index on contact_log(client_id, at)), not one query per clock.
        `from_cms`: only the changes away from these CMs (their ended assignments first);
        `unmet_only`: only the clocks still waiting for it; `met_since`: the met ones only when
        met on or after that day (the changes tab shows the last month's)."""
        prev, old_cm, new_cm = aliased(CMAssignment), aliased(Staff), aliased(Staff)
        first_at = (
            select(func.min(ContactLog.at))
            .where(ContactLog.client_id == CMAssignment.client_id,
                   ContactLog.staff_id == CMAssignment.cm_id,
                   ContactLog.at >= CMAssignment.start_at,
                   col(ContactLog.channel).in_(DIRECT_CHANNELS))
            .correlate(CMAssignment).scalar_subquery().label("first_at")
        )
        query = (
            select(CMAssignment.id, CMAssignment.client_id, CMAssignment.cm_id,
                   CMAssignment.start_at, Client.name, Client.tier, prev.cm_id, old_cm.name,
                   new_cm.name, first_at)
            .join(Client, Client.id == CMAssignment.client_id)
            .join(new_cm, new_cm.id == CMAssignment.cm_id)
            .join(prev, and_(prev.client_id == CMAssignment.client_id,
                             col(prev.end_at).is_not(None),
                             prev.end_at == CMAssignment.start_at))
            .join(old_cm, old_cm.id == prev.cm_id)
            .where(col(CMAssignment.end_at).is_(None))
        )
        if where is not None:
            query = query.where(where)
        if from_cms is not None:
            query = query.where(col(prev.cm_id).in_(from_cms))
        if where is None and from_cms is None:
            # the whole center (the head): start from the clients who had an earlier CM (a
            # redundant condition that SQLite drives the join from), not from every open
            # assignment with its contact MIN each (1.27 s → 19 ms at 1,000,000 clients)
            ended = select(prev.client_id).where(col(prev.end_at).is_not(None))
            query = query.where(col(CMAssignment.client_id).in_(ended))
        if unmet_only:
            query = query.where(first_at.is_(None))
        elif met_since is not None:
            since = day_bounds_utc(met_since, uow.ctx.tz)[0]
            query = query.where(or_(first_at.is_(None), first_at >= since))
        days = uow.settings.contact.cm_change_first_contact_days
        out: list[ChangeClockView] = []
        for (assignment_id, client_id, cm_id, start_at, client_name, tier, from_id, from_name,
             to_name, first) in uow.session.exec(query).all():
            started = local_date(uow, start_at)
            out.append(ChangeClockView(
                assignment_id, client_id, client_name, tier, from_id, from_name, cm_id, to_name,
                started, started + timedelta(days=days),
                local_date(uow, first) if first else None,
            ))
        out.sort(key=lambda c: (c.first_contact_on is not None, c.due_on, c.client_name))
        return out

    @requires("agenda.view", write=False)
    def change_clocks(self, uow: UnitOfWork, *, include_done: bool = False,
                      met_since: date | None = None) -> list[ChangeClockView]:
        """CM changes that concern me: as the new CM, as the departing CM, or (head) all.
        `include_done`: with those whose first contact was made (since `met_since`, if given).

        A desk's clocks are read as two bounded statements — the clients now with my desk
        (the index on cm_assignment(cm_id, end_at)), and the clients who left it (from my
        ended assignments) —, not every clock of the center."""
        unmet = not include_done
        since = met_since if include_done else None
        if permissions.HEAD in uow.roles:
            return self.clocks_in(uow, unmet_only=unmet, met_since=since)
        mine = desk_cm_ids(uow)
        to_me = self.clocks_in(uow, col(CMAssignment.cm_id).in_(mine), unmet_only=unmet,
                               met_since=since)
        seen = {c.assignment_id for c in to_me}
        from_me = [c for c in self.clocks_in(uow, from_cms=mine, unmet_only=unmet,
                                             met_since=since)
                   if c.assignment_id not in seen]
        out = to_me + from_me
        out.sort(key=lambda c: (c.first_contact_on is not None, c.due_on, c.client_name))
        return out

    # --- exceptions for the head -----------------------------------------------------------
    def _refs(self, uow: UnitOfWork, limit: int | None) -> tuple[list[ClientRef], int]:
        """The clients without their CM, largest assets first (the first `limit`), and how many
        there are in all: reports.entitlement.without_cm, the end-of-day report's definition."""
        found, total = entitlement.without_cm(uow.session, uow.settings, limit)
        return [ClientRef(r.client_id, r.name, r.tier, r.aum_fen, entitled_by=r.entitled_by)
                for r in found], total

    @requires("client.assign_cm", write=False)
    def exceptions(self, uow: UnitOfWork) -> Exceptions:
        """Clients entitled to an exclusive CM but without one (manual ch.2 §5: a premium tier,
        a tier [ownership] names, or an open 理财金账户卡 — any product [ownership] names), CM
        changes past their first-contact deadline, CMs outside the portfolio range."""
        return self._exceptions(uow, self._refs(uow, None)[0], None)

    @requires("client.assign_cm", write=False)
    def exceptions_shown(self, uow: UnitOfWork, *, limit: int | None = None) -> Exceptions:
        """exceptions() as the head's staff tab shows it: of the clients without their CM only
        the first `limit` ([reads] head_exceptions), largest assets first, and how many there
        are in all (`without_cm_total`, counted in SQL); the rest as exceptions()."""
        refs, total = self._refs(uow, limit or uow.settings.reads.head_exceptions)
        return self._exceptions(uow, refs, total)

    def _exceptions(self, uow: UnitOfWork, refs: list[ClientRef],
                    total: int | None) -> Exceptions:
        days = uow.settings.contact.cm_change_first_contact_days
        overdue = []
        for c in cm_changes.overdue_changes(uow.session, uow.settings, uow.now):
            started = local_date(uow, c.start_at)
            overdue.append(ChangeClockView(
                c.assignment_id, c.client_id, c.client_name, c.client_tier, c.from_cm_id,
                c.from_cm_name, c.to_cm_id, c.to_cm_name, started, started + timedelta(days=days),
                None))
        overdue.sort(key=lambda c: (c.due_on, c.client_name))
        sizes = entitlement.book_sizes(uow.session)
        loads = [CMLoad(b.cm_id, b.staff_no, b.name, b.size, b.state)
                 for b in entitlement.books_out_of_range(uow.session, uow.settings, sizes)]
        return Exceptions(tuple(refs), tuple(overdue), tuple(loads), total, sizes)

    # --- assignment and CM change ----------------------------------------------------------
    def _cm(self, uow: UnitOfWork, cm_id: int) -> Staff:
        staff = uow.session.get(Staff, cm_id)
        if staff is None or not staff.active:
            raise FieldError("cm.field.cm", "error.cm.inactive")
        if not staff.role_set & CM_ROLES:
            raise FieldError("cm.field.cm", "error.cm.not_a_cm")
        return staff

    def assign_in(self, uow: UnitOfWork, client: Client, cm: Staff, reason: str) -> CMAssignment:
        """Make `cm` the client's exclusive CM from now (closing the current assignment). A change
        of CM starts the client's CM-change checklist with the successor named (whose step tells
        the new CM through a hand-off)."""
        assert client.id is not None and cm.id is not None
        current = active_assignment(uow, client.id)
        if current is not None and current.cm_id == cm.id:
            raise Conflict("error.cm.already_theirs", name=cm.name)
        if current is not None:
            current.end_at = uow.now
            uow.session.add(current)
            uow.session.flush()
        new = CMAssignment(client_id=client.id, cm_id=cm.id, start_at=uow.now,
                           assigned_by=uow.actor_id, reason=reason)
        uow.session.add(new)
        uow.session.flush()
        uow.audit("client.assign_cm", "client", client.id, manual_section=SECTION_EXCLUSIVE,
                  cm_id=cm.id, previous_cm_id=current.cm_id if current else None,
                  assignment_id=new.id, reason=reason)
        if current is not None:
            run = self.checklists.start_in(uow, CM_CHANGE_PROCEDURE, client_id=client.id,
                                           subject_staff_id=current.cm_id)
            assert run.id is not None
            record_step_in(self.checklists, uow, run.id, "successor_named")
        return new

    def _client(self, uow: UnitOfWork, client_id: int) -> Client:
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound("error.client.not_found", id=client_id)
        return client

    @requires("client.assign_cm")
    def assign(self, uow: UnitOfWork, client_id: int, cm_id: int, reason: str = "") -> AssignmentView:
        """Name the client's exclusive CM, or a successor (a CM change when there was one)."""
        reason = parse_text(reason, "field.reason", max_len=200)
        client = self._client(uow, client_id)
        new = self.assign_in(uow, client, self._cm(uow, cm_id), reason)
        return self._assignment_views(uow, CMAssignment.id == new.id)[0]

    @requires("client.assign_cm")
    def reassign_book(
        self, uow: UnitOfWork, from_cm_id: int, to_cm_ids: list[int], reason: str
    ) -> list[AssignmentView]:
        """Hand every client of a departing CM to one successor, or deal them out over several
        (largest AUM first, in turn, so the books stay balanced)."""
        reason = parse_text(reason, "field.reason", max_len=200, required=True)
        if not to_cm_ids:
            raise FieldError("cm.field.cm", "error.field.required")
        if from_cm_id in to_cm_ids:
            raise FieldError("cm.field.cm", "error.cm.same_as_departing")
        successors = [self._cm(uow, i) for i in dict.fromkeys(to_cm_ids)]
        departing = uow.session.get(Staff, from_cm_id)
        if departing is None:
            raise NotFound("error.cm.not_found", id=from_cm_id)
        clients = uow.session.exec(
            select(Client).join(CMAssignment, CMAssignment.client_id == Client.id)
            .where(CMAssignment.cm_id == from_cm_id, col(CMAssignment.end_at).is_(None))
            .order_by(col(Client.aum_fen).desc(), Client.id)
        ).all()
        if not clients:
            raise Conflict("error.cm.no_clients", name=departing.name)
        made: list[int] = []
        dealt: Counter[int] = Counter()
        for index, client in enumerate(clients):
            successor = successors[index % len(successors)]
            assert successor.id is not None
            made.append(self.assign_in(uow, client, successor, reason).id or 0)
            dealt[successor.id] += 1
        uow.audit("client.reassign_book", "staff", from_cm_id, manual_section=SECTION_EXCLUSIVE,
                  to=dict(dealt), clients=len(clients), reason=reason)
        return self._assignment_views(uow, col(CMAssignment.id).in_(made))


    # --- assistants --------------------------------------------------------------------------
    @requires("agenda.view", write=False)
    def assistants(self, uow: UnitOfWork) -> list[AssistantLink]:
        """Assistant–CM links now in force (the head sees all, others those they are part of)."""
        assistant, cm = aliased(Staff), aliased(Staff)
        query = (
            select(CMAssistant, assistant.name, cm.name)
            .join(assistant, assistant.id == CMAssistant.assistant_id)
            .join(cm, cm.id == CMAssistant.cm_id)
            .where(col(CMAssistant.end_at).is_(None))
            .order_by(cm.name, assistant.name)
        )
        if permissions.HEAD not in uow.roles:
            query = query.where((CMAssistant.assistant_id == uow.actor_id)
                                | (CMAssistant.cm_id == uow.actor_id))
        return [AssistantLink(link.id, link.assistant_id, a_name, link.cm_id, c_name,
                              link.start_at)
                for link, a_name, c_name in uow.session.exec(query).all()]

    @requires("client.assign_cm")
    def attach_assistant(self, uow: UnitOfWork, assistant_id: int, cm_id: int) -> AssistantLink:
        assistant = uow.session.get(Staff, assistant_id)
        if assistant is None or not assistant.active:
            raise FieldError("cm.field.assistant", "error.cm.inactive")
        if permissions.CM_ASSISTANT not in assistant.role_set:
            raise FieldError("cm.field.assistant", "error.cm.not_an_assistant")
        cm = self._cm(uow, cm_id)
        if assistant_id == cm_id:
            raise FieldError("cm.field.assistant", "error.cm.assist_self")
        if cm_id in assisted_cm_ids(uow, assistant_id):
            raise Conflict("error.cm.already_assists", assistant=assistant.name, cm=cm.name)
        link = CMAssistant(assistant_id=assistant_id, cm_id=cm_id, start_at=uow.now,
                           assigned_by=uow.actor_id)
        uow.session.add(link)
        uow.session.flush()
        uow.audit("cm.assistant_attach", "staff", assistant_id, manual_section=SECTION_ASSISTANT,
                  cm_id=cm_id)
        assert link.id is not None
        return AssistantLink(link.id, assistant_id, assistant.name, cm_id, cm.name, link.start_at)

    @requires("client.assign_cm")
    def detach_assistant(self, uow: UnitOfWork, assistant_id: int, cm_id: int) -> None:
        link = uow.session.exec(
            select(CMAssistant).where(CMAssistant.assistant_id == assistant_id,
                                      CMAssistant.cm_id == cm_id, col(CMAssistant.end_at).is_(None))
        ).first()
        if link is None:
            raise NotFound("error.cm.no_such_assistant")
        link.end_at = uow.now
        uow.session.add(link)
        uow.audit("cm.assistant_detach", "staff", assistant_id, manual_section=SECTION_ASSISTANT,
                  cm_id=cm_id)

    # --- the CM's hand-offs ------------------------------------------------------------------
    def _duty_cm(self, uow: UnitOfWork, exclude: set[int]) -> Staff | None:
        duty = roster.duty_cm(uow.session, uow.today, exclude)
        return uow.session.get(Staff, duty) if duty is not None else None

    @requires("handoff.respond")
    def decline_arrival(self, uow: UnitOfWork, handoff_id: int, reason: str) -> HandoffView:
        """Decline a premium arrival (or a referral or lead) with a reason. It goes on to the
        duty CM, or back to the lobby when the duty CM is absent or is the one declining.
        Returns the new hand-off."""
        h = uow.session.get(Handoff, handoff_id)
        if h is None:
            raise NotFound("error.handoff.not_found", id=handoff_id)
        addressee = (h.to_staff_id == uow.actor_id if h.to_staff_id is not None
                     else h.to_role in uow.roles)
        if not addressee:
            raise PermissionDenied("error.handoff.not_yours")
        if h.status not in OPEN:
            raise Conflict("error.handoff.state", status=h.status)
        if h.kind not in ("premium_arrival", "referral", "lead"):
            raise Conflict("error.cm.not_an_arrival")
        h.decline_reason = parse_text(reason, "field.reason", max_len=500, required=True)
        h.status, h.closed_at = "declined", uow.now
        uow.session.add(h)
        uow.audit("handoff.decline", "handoff", h.id, manual_section=h.manual_section,
                  reason=h.decline_reason)
        me = uow.staff
        assert me is not None and me.id is not None
        duty = self._duty_cm(uow, exclude={me.id, h.from_staff_id})
        note = f"{me.name}: {h.decline_reason}" + (f" | {h.note}" if h.note else "")
        due = uow.now + timedelta(minutes=uow.settings.handoffs.arrival_late_minutes)
        common = dict(kind=h.kind, client_id=h.client_id, ticket_id=h.ticket_id, note=note[:1000],
                      source="cm", due_at=due, manual_section=h.manual_section or SECTION_ARRIVAL,
                      rerouted_from_id=h.id)
        service = self._handoffs
        if duty is not None:
            new = service.create_in(uow, to_staff_id=duty.id, **common)  # type: ignore[arg-type]
        else:
            new = service.create_in(uow, to_role=permissions.LOBBY_MANAGER, **common)  # type: ignore[arg-type]
        for lead in uow.session.exec(select(Lead).where(Lead.handoff_id == h.id)):
            lead.handoff_id, lead.owner_id = new.id, new.to_staff_id  # the lead follows it
            uow.session.add(lead)
        return service.views_in(uow, Handoff.id == new.id)[0]

    @requires("handoff.create")
    def hand_to_teller(self, uow: UnitOfWork, client_id: int, note: str) -> HandoffView:
        """Hand the cash part of a client's business to the cash tellers (the CM holds no teller
        rights), with a note of what is to be done."""
        self._client(uow, client_id)
        check_file_access(uow, client_id)
        text = parse_text(note, "field.note", max_len=1000, required=True)
        service = self._handoffs
        h = service.create_in(uow, kind="cash_business", to_role=permissions.CASH_TELLER,
                              client_id=client_id, note=text, source="cm",
                              manual_section=SECTION_CM)
        return service.views_in(uow, Handoff.id == h.id)[0]
