"""Targeted marketing (定向营销): build a list of targets from criteria, preview how many it would
hold (a count query), create it, assign it to CMs — by book (each client to their own exclusive
CM) or split evenly — follow each target to its outcome and see the progress per CM (manual
digest §4.2).

Criteria (rules.target_criteria, all that are set must hold): tiers, an assets range, products
held, a product maturing in a window, no contact for N days (or since a date), a birthday month,
client risk levels, near the premium threshold (AUM at least `contact.near_premium_pct` % of the
lowest premium tier's threshold, not premium yet), no exclusive CM, a potential-premium lead not
yet contacted. The head builds lists over all clients; a CM builds one from their own book only
(every target theirs).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import extract, func
from sqlalchemy.orm import aliased
from sqlmodel import and_, col, select

from wealthtui.citations import service_section
from wealthtui.model import (
    Client,
    CMAssignment,
    ContactLog,
    Lead,
    ProductHolding,
    Staff,
    Target,
    TargetList,
)
from wealthtui.model.status import LeadStatus, TargetListStatus, TargetStatus
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.rules.target_criteria import TargetFilters
from wealthtui.services.assignments import CM_ROLES
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

SECTION = service_section("targets.SECTION")
STATUSES = tuple(TargetStatus)
FINAL = (TargetStatus.CONVERTED, TargetStatus.DECLINED, TargetStatus.UNREACHABLE)
MAX_TARGETS = 2000
MODES = ("book", "even")   # assignment: each to their own CM (others dealt in turn) | in turn


@dataclass(frozen=True)
class PreviewCount:
    """How many targets a list would hold now, counted in the database (no rows loaded)."""

    total: int
    with_cm: int            # clients with an exclusive CM (assigned "by book" to that CM)
    walk_in_leads: int = 0  # uncontacted leads without a client record

    @property
    def without_cm(self) -> int:
        return self.total - self.with_cm


@dataclass(frozen=True)
class CmOption:
    staff_id: int
    staff_no: str
    name: str


@dataclass(frozen=True)
class CmProgress:
    """One CM's part of a list: targets, contacted (moved past open), and the results."""

    cm_id: int
    cm_name: str
    total: int
    counts: tuple[tuple[str, int], ...]

    def count(self, status: str) -> int:
        return dict(self.counts).get(status, 0)

    @property
    def contacted(self) -> int:
        return self.total - self.count("open")


@dataclass(frozen=True)
class Candidate:
    client_id: int | None
    lead_id: int | None
    name: str
    tier: str
    aum_fen: int
    cm_id: int | None
    cm_name: str


@dataclass(frozen=True)
class TargetView:
    id: int
    list_id: int
    list_name: str
    deadline: date
    client_id: int | None
    lead_id: int | None
    name: str
    tier: str
    cm_id: int
    cm_name: str
    status: str
    outcome: str
    updated_at: datetime | None

    def overdue(self, today: date) -> bool:
        return self.status not in FINAL and today > self.deadline


@dataclass(frozen=True)
class TargetListView:
    id: int
    name: str
    purpose: str
    deadline: date
    status: str
    created_at: datetime
    filters_json: str
    counts: tuple[tuple[str, int], ...] = field(default=())
    created_by: int = 0

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, status: str) -> int:
        return dict(self.counts).get(status, 0)


class TargetService(Service):
    # --- building ------------------------------------------------------------------------------
    def _validate(self, uow: UnitOfWork, f: TargetFilters) -> None:
        if f.empty:
            raise FieldError("targets.field.criteria", "error.targets.no_filter")
        if (f.maturing_from is None) != (f.maturing_to is None):
            raise FieldError("targets.field.maturing_to", "error.targets.window_both")
        if f.maturing_from and f.maturing_to and f.maturing_from > f.maturing_to:
            raise FieldError("targets.field.maturing_to", "error.targets.window_order")
        if (f.aum_min_fen is not None and f.aum_max_fen is not None
                and f.aum_min_fen > f.aum_max_fen):
            raise FieldError("targets.field.aum_max", "targets.error.range_order")
        unknown = [t for t in f.tiers if uow.settings.tier(t) is None]
        if unknown:
            raise FieldError("targets.field.tiers", "error.field.choice",
                             accepted=", ".join(t.code for t in uow.settings.tiers))

    def _own_book(self, uow: UnitOfWork) -> int | None:
        """The CM whose book a list is limited to: None for the head (all clients)."""
        return None if permissions.HEAD in uow.roles else uow.actor_id

    def _where(self, uow: UnitOfWork, f: TargetFilters, own: int | None) -> list:  # type: ignore[type-arg]
        """The conditions on Client (and the outer-joined active CMAssignment) of `f`."""
        where: list = []  # type: ignore[type-arg]
        if own is not None:
            where.append(CMAssignment.cm_id == own)
        if f.tiers:
            where.append(col(Client.tier).in_(f.tiers))
        if f.aum_min_fen is not None:
            where.append(Client.aum_fen >= f.aum_min_fen)
        if f.aum_max_fen is not None:
            where.append(Client.aum_fen <= f.aum_max_fen)
        if f.products:
            where.append(select(ProductHolding.id).where(
                ProductHolding.client_id == Client.id,
                col(ProductHolding.product_code).in_(f.products),
                (col(ProductHolding.maturity_date).is_(None))
                | (col(ProductHolding.maturity_date) >= uow.today)).exists())
        if f.risk_levels:
            where.append(col(Client.risk_level).in_(f.risk_levels))
        if f.birthday_month is not None:
            where.append(extract("month", Client.birthday) == f.birthday_month)
        if f.near_premium:
            premium = [t for t in uow.settings.tiers if t.premium]
            if premium:
                threshold = premium[0].min_aum_fen
                floor = threshold * uow.settings.contact.near_premium_pct // 100
                where += [col(Client.tier).not_in([t.code for t in premium]),
                          Client.aum_fen >= floor]
        if f.maturing_from and f.maturing_to:
            where.append(select(ProductHolding.id).where(
                ProductHolding.client_id == Client.id,
                col(ProductHolding.maturity_date) >= f.maturing_from,
                col(ProductHolding.maturity_date) <= f.maturing_to).exists())
        since_days = [datetime.combine(f.no_contact_since, datetime.min.time(), uow.ctx.tz)] \
            if f.no_contact_since else []
        if f.no_contact_days:
            since_days.append(datetime.combine(uow.today - timedelta(days=f.no_contact_days - 1),
                                               datetime.min.time(), uow.ctx.tz))
        for since in since_days:
            where.append(~select(ContactLog.id).where(
                ContactLog.client_id == Client.id, ContactLog.at >= since).exists())
        if f.without_cm:
            where.append(col(CMAssignment.id).is_(None))
        if f.uncontacted_leads:
            where.append(select(Lead.id).where(
                Lead.client_id == Client.id, Lead.status == LeadStatus.NEW).exists())
        return where

    def _active(self):  # type: ignore[no-untyped-def]
        return and_(CMAssignment.client_id == Client.id, col(CMAssignment.end_at).is_(None))

    def _walk_in_leads(self, f: TargetFilters, own: int | None) -> bool:
        """Walk-in leads (no client record) join a list built from the lead switch alone."""
        return own is None and f.uncontacted_leads and f == TargetFilters(uncontacted_leads=True)

    def candidates_in(self, uow: UnitOfWork, f: TargetFilters) -> list[Candidate]:
        self._validate(uow, f)
        own = self._own_book(uow)
        cm = aliased(Staff)
        query = (
            select(Client.id, Client.name, Client.tier, Client.aum_fen, CMAssignment.cm_id,
                   cm.name)
            .outerjoin(CMAssignment, self._active())
            .outerjoin(cm, cm.id == CMAssignment.cm_id)
            .where(*self._where(uow, f, own))
        )
        rows = uow.session.exec(
            query.order_by(col(Client.aum_fen).desc(), Client.id).limit(MAX_TARGETS)
        ).all()
        out = [Candidate(cid, None, name, tier, aum, cm_id, cm_name or "")
               for cid, name, tier, aum, cm_id, cm_name in rows]
        if self._walk_in_leads(f, own):
            for lead in uow.session.exec(
                select(Lead).where(col(Lead.client_id).is_(None), Lead.status == LeadStatus.NEW)
                .order_by(Lead.created_at).limit(MAX_TARGETS)
            ).all():
                out.append(Candidate(None, lead.id, lead.contact_name or "-", "", 0, None, ""))
        return out[:MAX_TARGETS]

    @requires("targetlist.own", write=False)
    def count(self, uow: UnitOfWork, filters: TargetFilters) -> PreviewCount:
        """How many targets a list from `filters` would hold now: one COUNT query (a CM: in
        their own book)."""
        self._validate(uow, filters)
        own = self._own_book(uow)
        total, with_cm = uow.session.exec(
            select(func.count(Client.id), func.count(CMAssignment.id))
            .select_from(Client)
            .outerjoin(CMAssignment, self._active())
            .where(*self._where(uow, filters, own))
        ).one()
        walk_ins = 0
        if self._walk_in_leads(filters, own):
            walk_ins = uow.session.exec(
                select(func.count(Lead.id))
                .where(col(Lead.client_id).is_(None), Lead.status == LeadStatus.NEW)).one()
        return PreviewCount(int(total) + int(walk_ins), int(with_cm), int(walk_ins))

    @requires("targetlist.own", write=False)
    def cms(self, uow: UnitOfWork) -> list[CmOption]:
        """The active client managers a list can be dealt to (a CM: only themselves)."""
        own = self._own_book(uow)
        rows = uow.session.exec(
            select(Staff).where(col(Staff.active).is_(True)).order_by(col(Staff.staff_no))).all()
        return [CmOption(s.id or 0, s.staff_no, s.name) for s in rows
                if s.role_set & CM_ROLES and (own is None or s.id == own)]

    @requires("targetlist.own", write=False)
    def preview(self, uow: UnitOfWork, filters: TargetFilters) -> list[Candidate]:
        """Who a list built from `filters` would hold now (at most MAX_TARGETS rows)."""
        return self.candidates_in(uow, filters)

    def _pool(self, uow: UnitOfWork, cm_ids: list[int] | None) -> list[int]:
        pool: list[int] = []
        for cm_id in dict.fromkeys(cm_ids or []):
            staff = uow.session.get(Staff, cm_id)
            if staff is None or not staff.active or not staff.role_set & CM_ROLES:
                raise FieldError("targets.field.cms", "error.cm.not_a_cm")
            pool.append(cm_id)
        own = self._own_book(uow)
        if own is not None and any(c != own for c in pool):
            raise PermissionDenied("targets.error.own_book_only")
        return pool

    @staticmethod
    def _deal(owners: list[int | None], mode: str, pool: list[int]) -> list[int]:
        """The CM of each target: `book` — the client's own CM, the others in turn over `pool`;
        `even` — everyone in turn over `pool` (the CMs' shares differ by one at most)."""
        if mode not in MODES:
            raise FieldError("targets.field.mode", "error.field.choice", accepted=", ".join(MODES))
        needs_pool = mode == "even" or any(o is None for o in owners)
        if needs_pool and not pool:
            raise FieldError("targets.field.cms", "error.targets.need_cms")
        out: list[int] = []
        dealt = 0
        for owner in owners:
            if mode == "book" and owner is not None:
                out.append(owner)
            else:
                out.append(pool[dealt % len(pool)])
                dealt += 1
        return out

    @requires("targetlist.own")
    def create(
        self, uow: UnitOfWork, name: str, filters: TargetFilters, deadline: date,
        *, purpose: str = "", cm_ids: list[int] | None = None, mode: str = "book",
    ) -> TargetListView:
        """Build the list and assign every target (`mode`: `book` — to the client's exclusive
        CM, the others in turn to the CMs in `cm_ids`; `even` — in turn to the CMs in `cm_ids`).
        A CM builds a list from their own book: every target is theirs."""
        name = parse_text(name, "targets.field.name", max_len=60, required=True)
        purpose = parse_text(purpose, "targets.field.purpose", max_len=200)
        if deadline < uow.today:
            raise FieldError("targets.field.deadline", "error.targets.deadline_past")
        pool = self._pool(uow, cm_ids)
        found = self.candidates_in(uow, filters)
        if not found:
            raise Conflict("error.targets.empty")
        cms = self._deal([c.cm_id for c in found], mode, pool)
        assert uow.actor_id is not None
        tl = TargetList(name=name, purpose=purpose, filters_json=filters.as_json(),
                        deadline=deadline, created_by=uow.actor_id, created_at=uow.now)
        uow.session.add(tl)
        uow.session.flush()
        per_cm: Counter[int] = Counter(cms)
        for c, cm_id in zip(found, cms, strict=True):
            uow.session.add(Target(list_id=tl.id, client_id=c.client_id, lead_id=c.lead_id,
                                   cm_id=cm_id))
        uow.audit("targetlist.create", "target_list", tl.id, manual_section=SECTION,
                  filters=json.loads(tl.filters_json), targets=len(found), mode=mode,
                  per_cm={str(k): v for k, v in per_cm.items()}, deadline=deadline)
        return self._list_views(uow, TargetList.id == tl.id)[0]

    @requires("targetlist.manage")
    def assign(self, uow: UnitOfWork, list_id: int, mode: str,
               cm_ids: list[int] | None = None) -> TargetListView:
        """Deal a list's targets not yet worked (status open) again: `book` — to each client's
        current exclusive CM, the others in turn over `cm_ids`; `even` — in turn over `cm_ids`."""
        tl = uow.session.get(TargetList, list_id)
        if tl is None:
            raise NotFound("error.targets.list_not_found", id=list_id)
        if tl.status != "open":
            raise Conflict("error.targets.list_closed")
        pool = self._pool(uow, cm_ids)
        rows = uow.session.exec(
            select(Target, CMAssignment.cm_id)
            .outerjoin(CMAssignment, and_(CMAssignment.client_id == Target.client_id,
                                          col(CMAssignment.end_at).is_(None)))
            .where(Target.list_id == list_id, Target.status == TargetStatus.OPEN)
            .order_by(Target.id)
        ).all()
        cms = self._deal([owner for _, owner in rows], mode, pool)
        moved = 0
        for (target, _), cm_id in zip(rows, cms, strict=True):
            if target.cm_id != cm_id:
                target.cm_id = cm_id
                uow.session.add(target)
                moved += 1
        uow.audit("targetlist.assign", "target_list", tl.id, manual_section=SECTION, mode=mode,
                  targets=len(rows), moved=moved,
                  per_cm={str(k): v for k, v in Counter(cms).items()})
        return self._list_views(uow, TargetList.id == tl.id)[0]

    @requires("targetlist.own", write=False)
    def progress(self, uow: UnitOfWork, list_id: int) -> list[CmProgress]:
        """Per CM: targets, how many were contacted (moved past open) and the results so far.
        The head sees any list; a CM the lists they built."""
        tl = uow.session.get(TargetList, list_id)
        if tl is None:
            raise NotFound("error.targets.list_not_found", id=list_id)
        if permissions.HEAD not in uow.roles and tl.created_by != uow.actor_id:
            raise PermissionDenied("error.targets.not_yours")
        per: dict[tuple[int, str], Counter[str]] = {}
        for cm_id, cm_name, status, n in uow.session.exec(
            select(Target.cm_id, Staff.name, Target.status, func.count())
            .join(Staff, Staff.id == Target.cm_id)
            .where(Target.list_id == list_id)
            .group_by(Target.cm_id, Staff.name, Target.status)
        ).all():
            per.setdefault((cm_id, cm_name), Counter())[status] = int(n)
        return [CmProgress(cm_id, name, sum(c.values()), tuple((s, c.get(s, 0)) for s in STATUSES))
                for (cm_id, name), c in sorted(per.items())]

    # --- reading ---------------------------------------------------------------------------------
    def _list_views(self, uow: UnitOfWork, where) -> list[TargetListView]:  # type: ignore[no-untyped-def]
        lists = uow.session.exec(
            select(TargetList).where(where).order_by(col(TargetList.created_at).desc())
        ).all()
        counts: dict[int, Counter[str]] = {}
        ids = [tl.id for tl in lists]
        for list_id, status, n in uow.session.exec(
            select(Target.list_id, Target.status, func.count())
            .where(col(Target.list_id).in_(ids)).group_by(Target.list_id, Target.status)
        ).all():
            counts.setdefault(list_id, Counter())[status] = n
        return [
            TargetListView(tl.id or 0, tl.name, tl.purpose, tl.deadline, tl.status,
                           tl.created_at, tl.filters_json,
                           tuple((s, counts.get(tl.id or 0, Counter()).get(s, 0))
                                 for s in STATUSES), tl.created_by)
            for tl in lists
        ]

    @requires("targetlist.work", write=False)
    def lists(self, uow: UnitOfWork, *, include_closed: bool = False) -> list[TargetListView]:
        """Target lists with their progress per status (open ones unless `include_closed`)."""
        statuses = ("open", "closed") if include_closed else ("open",)
        return self._list_views(uow, col(TargetList.status).in_(statuses))

    def _target_views(self, uow: UnitOfWork, where) -> list[TargetView]:  # type: ignore[no-untyped-def]
        cm = aliased(Staff)
        rows = uow.session.exec(
            select(Target, TargetList.name, TargetList.deadline, Client.name, Client.tier,
                   Lead.contact_name, cm.name)
            .join(TargetList, TargetList.id == Target.list_id)
            .outerjoin(Client, Client.id == Target.client_id)
            .outerjoin(Lead, Lead.id == Target.lead_id)
            .join(cm, cm.id == Target.cm_id)
            .where(where)
            .order_by(TargetList.deadline, Target.status, Client.name, Target.id)
        ).all()
        return [
            TargetView(t.id or 0, t.list_id, list_name, deadline, t.client_id, t.lead_id,
                       client_name or lead_name or "-", tier or "", t.cm_id, cm_name, t.status,
                       t.outcome, t.updated_at)
            for t, list_name, deadline, client_name, tier, lead_name, cm_name in rows
        ]

    @requires("targetlist.work", write=False)
    def mine(self, uow: UnitOfWork, *, open_only: bool = True) -> list[TargetView]:
        """Targets assigned to me in open lists."""
        where = and_(Target.cm_id == uow.actor_id, TargetList.status == TargetListStatus.OPEN)
        if open_only:
            where = and_(where, col(Target.status).not_in(FINAL))
        return self._target_views(uow, where)

    @requires("targetlist.manage", write=False)
    def targets(self, uow: UnitOfWork, list_id: int) -> list[TargetView]:
        return self._target_views(uow, Target.list_id == list_id)

    # --- working a target --------------------------------------------------------------------------
    @requires("targetlist.work")
    def record(self, uow: UnitOfWork, target_id: int, status: str, outcome: str = "") -> TargetView:
        """Record where a target stands (the assigned CM, or the head)."""
        target = uow.session.get(Target, target_id)
        if target is None:
            raise NotFound("error.targets.not_found", id=target_id)
        if target.cm_id != uow.actor_id and permissions.HEAD not in uow.roles:
            raise PermissionDenied("error.targets.not_yours")
        tl = uow.session.get(TargetList, target.list_id)
        if tl is None or tl.status != "open":
            raise Conflict("error.targets.list_closed")
        if status not in STATUSES:
            raise FieldError("cm.field.target_status", "error.field.choice",
                             accepted=", ".join(STATUSES))
        text = parse_text(outcome, "field.outcome", max_len=500, required=status in FINAL)
        before = target.status
        target.status, target.outcome = status, text
        target.updated_at, target.updated_by = uow.now, uow.actor_id
        uow.session.add(target)
        uow.audit("target.record", "target", target.id, manual_section=SECTION,
                  before=before, status=status)
        return self._target_views(uow, Target.id == target.id)[0]

    @requires("targetlist.manage")
    def close(self, uow: UnitOfWork, list_id: int) -> TargetListView:
        tl = uow.session.get(TargetList, list_id)
        if tl is None:
            raise NotFound("error.targets.list_not_found", id=list_id)
        if tl.status == "closed":
            raise Conflict("error.targets.list_closed")
        tl.status, tl.closed_at = "closed", uow.now
        uow.session.add(tl)
        uow.audit("targetlist.close", "target_list", tl.id, manual_section=SECTION)
        return self._list_views(uow, TargetList.id == tl.id)[0]
