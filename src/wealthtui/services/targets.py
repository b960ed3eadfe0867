"""Targeted marketing (定向营销): build a list of targets from filters, assign each to a CM with a
deadline, and follow each target to its outcome (manual digest §4.2).

Filters (all that are set must hold): near the premium threshold (AUM at least
`contact.near_premium_pct` % of the lowest premium tier's threshold, not premium yet), a product
maturing in a window, no contact since a date, no exclusive CM, a potential-premium lead not yet
contacted, and tiers. A target goes to the client's exclusive CM; clients without one (and walk-in
leads without a client record) are dealt in turn to the CMs the head names.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import and_, col, select

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
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_text
from wealthtui.services.assignments import CM_ROLES
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

SECTION = "digest §4.2"
STATUSES = ("open", "contacted", "appointment", "converted", "declined", "unreachable")
FINAL = ("converted", "declined", "unreachable")
MAX_TARGETS = 2000


@dataclass(frozen=True)
class TargetFilters:
    near_premium: bool = False
    maturing_from: date | None = None
    maturing_to: date | None = None
    no_contact_since: date | None = None
    without_cm: bool = False
    uncontacted_leads: bool = False
    tiers: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.near_premium or self.maturing_from or self.maturing_to
                    or self.no_contact_since or self.without_cm or self.uncontacted_leads
                    or self.tiers)

    def as_json(self) -> str:
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}
        return json.dumps({k: v for k, v in data.items() if v}, ensure_ascii=False, sort_keys=True)


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

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, status: str) -> int:
        return dict(self.counts).get(status, 0)


class TargetService(Service):
    # --- building ------------------------------------------------------------------------------
    def _validate(self, uow: UnitOfWork, f: TargetFilters) -> None:
        if f.empty:
            raise FieldError("cm.field.filters", "error.targets.no_filter")
        if (f.maturing_from is None) != (f.maturing_to is None):
            raise FieldError("cm.field.maturing", "error.targets.window_both")
        if f.maturing_from and f.maturing_to and f.maturing_from > f.maturing_to:
            raise FieldError("cm.field.maturing", "error.targets.window_order")
        unknown = [t for t in f.tiers if uow.settings.tier(t) is None]
        if unknown:
            raise FieldError("cm.field.tiers", "error.field.choice",
                             accepted=", ".join(t.code for t in uow.settings.tiers))

    def candidates_in(self, uow: UnitOfWork, f: TargetFilters) -> list[Candidate]:
        self._validate(uow, f)
        cm = aliased(Staff)
        query = (
            select(Client.id, Client.name, Client.tier, Client.aum_fen, CMAssignment.cm_id,
                   cm.name)
            .outerjoin(CMAssignment, and_(CMAssignment.client_id == Client.id,
                                          col(CMAssignment.end_at).is_(None)))
            .outerjoin(cm, cm.id == CMAssignment.cm_id)
        )
        if f.tiers:
            query = query.where(col(Client.tier).in_(f.tiers))
        if f.near_premium:
            premium = [t for t in uow.settings.tiers if t.premium]
            if premium:
                threshold = premium[0].min_aum_fen
                floor = threshold * uow.settings.contact.near_premium_pct // 100
                query = query.where(col(Client.tier).not_in([t.code for t in premium]),
                                    Client.aum_fen >= floor)
        if f.maturing_from and f.maturing_to:
            query = query.where(select(ProductHolding.id).where(
                ProductHolding.client_id == Client.id,
                col(ProductHolding.maturity_date) >= f.maturing_from,
                col(ProductHolding.maturity_date) <= f.maturing_to).exists())
        if f.no_contact_since:
            since = datetime.combine(f.no_contact_since, datetime.min.time(), uow.ctx.tz)
            query = query.where(~select(ContactLog.id).where(
                ContactLog.client_id == Client.id, ContactLog.at >= since).exists())
        if f.without_cm:
            query = query.where(col(CMAssignment.id).is_(None))
        if f.uncontacted_leads:
            query = query.where(select(Lead.id).where(
                Lead.client_id == Client.id, Lead.status == "new").exists())
        rows = uow.session.exec(
            query.order_by(col(Client.aum_fen).desc(), Client.id).limit(MAX_TARGETS)
        ).all()
        out = [Candidate(cid, None, name, tier, aum, cm_id, cm_name or "")
               for cid, name, tier, aum, cm_id, cm_name in rows]
        only_leads = f.uncontacted_leads and f == TargetFilters(uncontacted_leads=True)
        if only_leads:
            for lead in uow.session.exec(
                select(Lead).where(col(Lead.client_id).is_(None), Lead.status == "new")
                .order_by(Lead.created_at).limit(MAX_TARGETS)
            ).all():
                out.append(Candidate(None, lead.id, lead.contact_name or "-", "", 0, None, ""))
        return out[:MAX_TARGETS]

    @requires("targetlist.manage", write=False)
    def preview(self, uow: UnitOfWork, filters: TargetFilters) -> list[Candidate]:
        """Who a list built from `filters` would hold now."""
        return self.candidates_in(uow, filters)

    @requires("targetlist.manage")
    def create(
        self, uow: UnitOfWork, name: str, filters: TargetFilters, deadline: date,
        *, purpose: str = "", cm_ids: list[int] | None = None,
    ) -> TargetListView:
        """Build the list and assign every target: to the client's exclusive CM, else in turn to
        the CMs in `cm_ids` (needed when some targets have no CM)."""
        name = parse_text(name, "cm.field.list_name", max_len=60, required=True)
        purpose = parse_text(purpose, "cm.field.purpose_text", max_len=200)
        if deadline < uow.today:
            raise FieldError("cm.field.deadline", "error.targets.deadline_past")
        found = self.candidates_in(uow, filters)
        if not found:
            raise Conflict("error.targets.empty")
        pool: list[Staff] = []
        for cm_id in dict.fromkeys(cm_ids or []):
            staff = uow.session.get(Staff, cm_id)
            if staff is None or not staff.active or not staff.role_set & CM_ROLES:
                raise FieldError("cm.field.cm", "error.cm.not_a_cm")
            pool.append(staff)
        if any(c.cm_id is None for c in found) and not pool:
            raise FieldError("cm.field.cm", "error.targets.need_cms")
        assert uow.actor_id is not None
        tl = TargetList(name=name, purpose=purpose, filters_json=filters.as_json(),
                        deadline=deadline, created_by=uow.actor_id, created_at=uow.now)
        uow.session.add(tl)
        uow.session.flush()
        dealt = 0
        per_cm: Counter[int] = Counter()
        for c in found:
            if c.cm_id is not None:
                cm_id = c.cm_id
            else:
                staff = pool[dealt % len(pool)]
                dealt += 1
                assert staff.id is not None
                cm_id = staff.id
            per_cm[cm_id] += 1
            uow.session.add(Target(list_id=tl.id, client_id=c.client_id, lead_id=c.lead_id,
                                   cm_id=cm_id))
        uow.audit("targetlist.create", "target_list", tl.id, manual_section=SECTION,
                  filters=json.loads(tl.filters_json), targets=len(found),
                  per_cm={str(k): v for k, v in per_cm.items()}, deadline=deadline)
        return self._list_views(uow, TargetList.id == tl.id)[0]

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
                                 for s in STATUSES))
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
        where = and_(Target.cm_id == uow.actor_id, TargetList.status == "open")
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
    def reassign(self, uow: UnitOfWork, target_id: int, cm_id: int) -> TargetView:
        target = uow.session.get(Target, target_id)
        if target is None:
            raise NotFound("error.targets.not_found", id=target_id)
        staff = uow.session.get(Staff, cm_id)
        if staff is None or not staff.active or not staff.role_set & CM_ROLES:
            raise FieldError("cm.field.cm", "error.cm.not_a_cm")
        before = target.cm_id
        target.cm_id = cm_id
        uow.session.add(target)
        uow.audit("target.reassign", "target", target.id, manual_section=SECTION,
                  before=before, cm_id=cm_id)
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
