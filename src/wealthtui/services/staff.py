"""Staff administration: add, roles, PIN reset, unlock, deactivate; the first head at init.

Insider controls (issue 15):
- a new account (`add`) gets a random one-time PIN exactly like a reset: shown once to the
  person who added it, to hand over; its holder must choose their own PIN at the first sign-in
  (nobody ever chooses a PIN for someone else);
- a new account asked with the head or supervisor role is created at once with its other roles;
  the guarded ones become a pending RoleGrant, approved by a second person as for `set_roles`;
- the first head of a center is the one account made alone (`bootstrap_head`, `wealthtui init`),
  only while the center has no staff at all (hence no active head or supervisor); its audit
  event says so. The first supervisor of a new center is then approved by a configured
  administrator (`insiders.administrators`, kept in the configuration file, not in the database);
- a PIN reset gives a random one-time PIN (shown once, to hand to the person), which expires
  after `insiders.one_time_pin_hours`, is refused on the terminal where the reset was done, and
  lets the person do nothing but choose their own new PIN (services.auth.complete_reset); the
  person is told who reset it and when;
- a change of roles that adds the head or supervisor role, or adds any role to the requester
  themself, is a pending RoleGrant until a second, different staff member approves it: one
  holding a role of `insiders.grant_approver_roles` or listed in `insiders.administrators`,
  who is neither the requester nor the person whose roles change;
- every PIN set here passes rules.pins (no one digit, no runs, no staff number, no birthday).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import col, or_, select

from wealthtui.model import CMAssignment, Handoff, Staff
from wealthtui.model.staff import RoleGrant, StaffRole
from wealthtui.model.status import GrantStatus
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_name, parse_text
from wealthtui.rules.pins import one_time_pin
from wealthtui.services.auth import (
    AuthService,
    check_new_pin,
    hash_pin,
    pin_matches,
    this_terminal,
)
from wealthtui.services.base import Actor, Context, Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound, PermissionDenied

OPEN_HANDOFF = ("open", "accepted")


@dataclass(frozen=True)
class StaffView:
    id: int
    staff_no: str
    name: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None
    pin_must_change: bool = False

    @classmethod
    def of(cls, s: Staff) -> StaffView:
        assert s.id is not None
        return cls(s.id, s.staff_no, s.name, _ordered(s.role_set), s.active, s.locked_until,
                   s.pin_must_change)


def _ordered(roles: frozenset[str] | set[str]) -> tuple[str, ...]:
    return tuple(r for r in permissions.ROLES if r in roles)


#: roles whose grant always needs a second person
GUARDED_ROLES = frozenset({permissions.HEAD, permissions.SUPERVISOR})

#: why the first head needs no second person (kept in the staff.bootstrap audit event)
BOOTSTRAP_BASIS = "first head of a center with no staff: no active head or supervisor exists"


@dataclass(frozen=True)
class RoleGrantView:
    id: int
    status: str  # a GrantStatus
    staff_no: str
    name: str
    roles_before: tuple[str, ...]
    roles_after: tuple[str, ...]
    requested_by_no: str
    requested_by_name: str
    requested_at: datetime
    decided_by_no: str
    decided_by_name: str
    decided_at: datetime | None
    reason: str

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(r for r in self.roles_after if r not in self.roles_before)


@dataclass(frozen=True)
class RolesChange:
    """What set_roles did: `staff` as it now is; `pending` when the change waits for a second
    person (then `staff` still has the old roles)."""

    staff: StaffView
    pending: RoleGrantView | None = None


@dataclass(frozen=True)
class NewStaff:
    """What `add` did: the account as created (its unguarded roles), the one-time PIN to hand
    over (shown once), when it expires, and the pending grant of head / supervisor, if asked."""

    staff: StaffView
    pin: str
    expires_at: datetime
    pending: RoleGrantView | None = None


@dataclass(frozen=True)
class OneTimePin:
    """A PIN reset: the one-time PIN, to be handed to the person and shown nowhere else."""

    staff: StaffView
    pin: str
    expires_at: datetime


def _staff_no(text: str) -> str:
    value = text.strip()
    if not value or not value.isascii() or not value.isalnum() or len(value) > 20:
        raise FieldError("field.staff_no", "error.field.staff_no")
    return value


def parse_birthday(text: str) -> date | None:
    """A date of birth typed as YYYY-MM-DD (or YYYYMMDD); empty = not known."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        born = date.fromisoformat(value)
    except ValueError:
        raise FieldError("insiders.field.birthday", "insiders.error.birthday") from None
    if not date(1900, 1, 1) <= born <= date.today():
        raise FieldError("insiders.field.birthday", "insiders.error.birthday")
    return born


def _roles(roles: list[str] | tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    unknown = sorted(set(roles) - set(permissions.ROLES))
    if unknown or not roles:
        raise FieldError("field.roles", "error.field.roles", accepted=", ".join(permissions.ROLES))
    return frozenset(roles)


def _text(roles: frozenset[str]) -> str:
    """Roles as the audit events and role grants write them: codes in ROLES order, comma-separated."""
    return ",".join(_ordered(roles))


def _split(text: str) -> frozenset[str]:
    return frozenset(r for r in text.split(",") if r)


def _hold(uow: UnitOfWork, staff: Staff, roles: frozenset[str]) -> None:
    """Make `staff` hold exactly `roles`: a StaffRole row is added for each new role and deleted
    for each dropped one (each sealed by this call, see services.uow)."""
    assert staff.id is not None
    have = {row.role: row for row in staff.role_rows}
    for role, row in have.items():
        if role not in roles:
            uow.session.delete(row)
    uow.session.add_all([StaffRole(staff_id=staff.id, role=r) for r in _ordered(roles - set(have))])
    uow.session.flush()
    uow.session.expire(staff, ["role_rows"])


class StaffService(Service):
    def __init__(self, ctx: Context, *, auth: AuthService) -> None:
        super().__init__(ctx)
        self._auth = auth

    def _get(self, uow: UnitOfWork, staff_no: str) -> Staff:
        staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
        if staff is None:
            raise NotFound("error.staff.not_found", staff_no=staff_no)
        return staff

    def _pin(self, pin: str, staff_no: str, birthday: date | None = None,
             field_key: str = "field.pin") -> str:
        probe = Staff(staff_no=staff_no, name="", pin_hash="", birthday=birthday)
        return check_new_pin(self.settings, probe, pin, field_key)

    def has_staff(self) -> bool:
        return self._read(lambda uow: uow.session.exec(select(func.count(Staff.id))).one() > 0)

    def bootstrap_head(self, staff_no: str, name: str, pin: str) -> StaffView:
        """Create the first head of a new, empty center, alone: the one exception to the
        second-person rule, allowed only while the center has no staff at all (so no active
        head or supervisor who could approve). Refused once any staff exists."""
        staff_no, name = _staff_no(staff_no), parse_name(name)
        pin = self._pin(pin, staff_no)

        def body(uow: UnitOfWork) -> StaffView:
            if uow.session.exec(select(func.count(Staff.id))).one():
                raise Conflict("error.staff.bootstrap_done")
            staff = Staff(staff_no=staff_no, name=name, pin_hash=hash_pin(self.settings, pin),
                          created_at=uow.now)
            uow.session.add(staff)
            uow.session.flush()
            _hold(uow, staff, frozenset({permissions.HEAD}))
            uow.audit("staff.bootstrap", "staff", staff.id, staff_no=staff_no, roles=permissions.HEAD,
                      second_person="none", basis=BOOTSTRAP_BASIS)
            return StaffView.of(staff)

        return self._write(body)

    @requires("staff.view", write=False)
    def roster(self, uow: UnitOfWork, *, include_inactive: bool = True) -> list[StaffView]:
        query = select(Staff).order_by(Staff.staff_no)
        if not include_inactive:
            query = query.where(Staff.active)
        return [StaffView.of(s) for s in uow.session.exec(query)]

    @requires("handoff.create", write=False)
    def directory(self, uow: UnitOfWork) -> list[StaffView]:
        """Active staff, for choosing whom to hand something to (any role may read it)."""
        query = select(Staff).where(Staff.active).order_by(Staff.staff_no)
        return [StaffView.of(s) for s in uow.session.exec(query)]

    @requires("staff.admin")
    def add(self, uow: UnitOfWork, staff_no: str, name: str, roles: list[str], *,
            birthday: date | None = None, terminal: str | None = None) -> NewStaff:
        """A new staff member with a random one-time PIN (NewStaff.pin, shown once) that, like a
        reset's, expires, is refused on `terminal` (this one by default) and only lets its
        holder choose their own PIN. Roles other than head and supervisor are held at once;
        head and supervisor become a pending grant for a second person (NewStaff.pending).
        `birthday`, when known, is kept so that no PIN of theirs holds it."""
        staff_no, name, asked = _staff_no(staff_no), parse_name(name), _roles(roles)
        if uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first():
            raise Conflict("error.staff.exists", staff_no=staff_no)
        now_roles = asked - GUARDED_ROLES
        staff = Staff(staff_no=staff_no, name=name, pin_hash="", created_at=uow.now,
                      birthday=birthday)
        pin, where = self._one_time_pin(uow, staff, terminal)
        uow.session.add(staff)
        uow.session.flush()
        _hold(uow, staff, now_roles)
        uow.audit("staff.add", "staff", staff.id, staff_no=staff_no, roles=_text(now_roles),
                  asked=_text(asked), terminal=where, expires_at=staff.pin_expires_at)
        pending = None
        if asked & GUARDED_ROLES:
            pending = self._request_grant(uow, staff, staff.role_set, asked)
        assert staff.pin_expires_at is not None
        return NewStaff(StaffView.of(staff), pin, staff.pin_expires_at, pending)

    def _one_time_pin(self, uow: UnitOfWork, staff: Staff, terminal: str | None) -> tuple[str, str]:
        """Give `staff` a random one-time PIN issued at `terminal` (this one by default); the
        PIN and the terminal's name."""
        ins = self.settings.insiders
        length = min(max(ins.one_time_pin_length, self.settings.security.pin_min_length),
                     self.settings.security.pin_max_length)
        pin = one_time_pin(length, staff_no=staff.staff_no, birthday=staff.birthday)
        where = (terminal or this_terminal(self.settings))[:100]
        staff.pin_hash = hash_pin(self.settings, pin)
        staff.pin_must_change = True
        staff.pin_expires_at = uow.now + timedelta(hours=ins.one_time_pin_hours)
        staff.pin_reset_by, staff.pin_reset_at, staff.pin_reset_terminal = uow.actor_id, uow.now, where
        staff.failed_pins = 0
        staff.locked_until = None
        return pin, where

    # --- roles: a grant of head / supervisor (or to oneself) waits for a second person -------
    @requires("staff.admin")
    def set_roles(self, uow: UnitOfWork, staff_no: str, roles: list[str]) -> RolesChange:
        """Change a staff member's roles. Removing roles, and adding roles other than head and
        supervisor to someone else, happens at once; adding head or supervisor, or adding any
        role to oneself, becomes a pending grant (RolesChange.pending) for a second person."""
        staff = self._get(uow, staff_no)
        before, after = staff.role_set, _roles(roles)
        if staff.id == uow.actor_id and permissions.HEAD in before and permissions.HEAD not in after:
            raise Conflict("error.staff.own_head_role")
        if after == before:
            return RolesChange(StaffView.of(staff))
        added = after - before
        if added & GUARDED_ROLES or (added and staff.id == uow.actor_id):
            waiting = uow.session.exec(select(RoleGrant).where(
                RoleGrant.staff_id == staff.id, RoleGrant.status == GrantStatus.PENDING)).first()
            if waiting is not None:
                if (waiting.requested_by == uow.actor_id
                        and waiting.roles_after == _text(after)):
                    # the same request again: it is still waiting (e.g. for the second person)
                    return RolesChange(StaffView.of(staff),
                                       self._grant_views(uow, RoleGrant.id == waiting.id)[0])
                raise Conflict("insiders.grant.already_pending", id=waiting.id)
            return RolesChange(StaffView.of(staff), self._request_grant(uow, staff, before, after))
        _hold(uow, staff, after)
        uow.audit("staff.roles", "staff", staff.id, before=_text(before), after=_text(after))
        return RolesChange(StaffView.of(staff))

    def _request_grant(self, uow: UnitOfWork, staff: Staff, before: frozenset[str],
                       after: frozenset[str]) -> RoleGrantView:
        """A pending grant changing `staff`'s roles from `before` to `after` (audited)."""
        assert staff.id is not None and uow.actor_id is not None
        grant = RoleGrant(staff_id=staff.id, requested_by=uow.actor_id,
                          roles_before=_text(before), roles_after=_text(after),
                          requested_at=uow.now)
        uow.session.add(grant)
        uow.session.flush()
        uow.audit("staff.roles_requested", "role_grant", grant.id, staff_id=staff.id,
                  before=grant.roles_before, after=grant.roles_after)
        return self._grant_views(uow, RoleGrant.id == grant.id)[0]

    def _grant_views(self, uow: UnitOfWork, where: object) -> list[RoleGrantView]:
        target, asker, decider = aliased(Staff), aliased(Staff), aliased(Staff)
        rows = uow.session.exec(
            select(RoleGrant, target.staff_no, target.name, asker.staff_no, asker.name,
                   decider.staff_no, decider.name)
            .join(target, target.id == RoleGrant.staff_id)
            .join(asker, asker.id == RoleGrant.requested_by)
            .outerjoin(decider, decider.id == RoleGrant.decided_by)
            .where(where)  # type: ignore[arg-type]
            .order_by(col(RoleGrant.requested_at), col(RoleGrant.id))
        ).all()
        return [
            RoleGrantView(
                id=g.id or 0, status=g.status, staff_no=t_no, name=t_name,
                roles_before=_ordered(_split(g.roles_before)),
                roles_after=_ordered(_split(g.roles_after)),
                requested_by_no=a_no, requested_by_name=a_name, requested_at=g.requested_at,
                decided_by_no=d_no or "", decided_by_name=d_name or "", decided_at=g.decided_at,
                reason=g.reason)
            for g, t_no, t_name, a_no, a_name, d_no, d_name in rows
        ]

    @requires("staff.view", write=False)
    def grants(self, uow: UnitOfWork, *, pending_only: bool = True) -> list[RoleGrantView]:
        """Role grants, oldest first (only those waiting, by default)."""
        where = RoleGrant.status == GrantStatus.PENDING if pending_only else RoleGrant.id.is_not(None)  # type: ignore[union-attr]
        return self._grant_views(uow, where)

    def _pending(self, uow: UnitOfWork, grant_id: int) -> RoleGrant:
        grant = uow.session.get(RoleGrant, grant_id)
        if grant is None:
            raise NotFound("insiders.grant.not_found", id=grant_id)
        if grant.status != GrantStatus.PENDING:
            raise Conflict("insiders.grant.decided", id=grant_id)
        return grant

    def _may_approve(self, uow: UnitOfWork, grant: RoleGrant) -> None:
        if uow.actor_id in (grant.requested_by, grant.staff_id):
            raise Conflict("insiders.grant.same_person")
        ins = self.settings.insiders
        assert uow.staff is not None
        if not (uow.roles & set(ins.grant_approver_roles) or uow.staff.staff_no in ins.administrators):
            raise PermissionDenied("insiders.grant.no_authority")

    @requires("staff.grant_approve")
    def approve_grant(self, uow: UnitOfWork, grant_id: int) -> RolesChange:
        """The second person approves a pending grant: the roles change now (refused when they
        were changed meanwhile)."""
        grant = self._pending(uow, grant_id)
        self._may_approve(uow, grant)
        staff = uow.session.get(Staff, grant.staff_id)
        assert staff is not None
        if staff.role_set != _split(grant.roles_before):
            raise Conflict("insiders.grant.stale", id=grant_id)
        _hold(uow, staff, _split(grant.roles_after))
        grant.status, grant.decided_by, grant.decided_at = GrantStatus.APPROVED, uow.actor_id, uow.now
        uow.session.add(grant)
        uow.audit("staff.roles", "staff", staff.id, before=grant.roles_before,
                  after=grant.roles_after, grant_id=grant.id, requested_by=grant.requested_by,
                  approved_by=uow.actor_id)
        return RolesChange(StaffView.of(staff), self._grant_views(uow, RoleGrant.id == grant.id)[0])

    @requires("staff.grant_approve")
    def reject_grant(self, uow: UnitOfWork, grant_id: int, reason: str) -> RoleGrantView:
        """The second person refuses a pending grant, with a reason."""
        grant = self._pending(uow, grant_id)
        self._may_approve(uow, grant)
        grant.reason = parse_text(reason, "field.reason", max_len=500, required=True)
        grant.status, grant.decided_by, grant.decided_at = GrantStatus.REJECTED, uow.actor_id, uow.now
        uow.session.add(grant)
        uow.audit("staff.roles_rejected", "role_grant", grant.id, reason=grant.reason)
        return self._grant_views(uow, RoleGrant.id == grant.id)[0]

    @requires("staff.admin")
    def cancel_grant(self, uow: UnitOfWork, grant_id: int) -> RoleGrantView:
        """The requester takes back a pending grant."""
        grant = self._pending(uow, grant_id)
        if grant.requested_by != uow.actor_id:
            raise PermissionDenied("insiders.grant.not_requester")
        grant.status, grant.decided_by, grant.decided_at = GrantStatus.CANCELLED, uow.actor_id, uow.now
        uow.session.add(grant)
        uow.audit("staff.roles_cancelled", "role_grant", grant.id)
        return self._grant_views(uow, RoleGrant.id == grant.id)[0]

    def approve_grant_here(self, requester: Actor, grant_id: int, staff_no: str,
                           pin: str) -> RolesChange:
        """The second person approves at the requester's terminal with their staff number and
        PIN (audited as theirs)."""
        second = self._auth.second_person(requester, staff_no, pin, "staff.grant_approve")
        return self.approve_grant(second, grant_id)

    # --- PINs --------------------------------------------------------------------------------
    @requires("staff.admin")
    def reset_pin(self, uow: UnitOfWork, staff_no: str, *, terminal: str | None = None) -> OneTimePin:
        """Replace a staff member's PIN with a random one-time PIN (returned once, stored only as
        its hash): it expires after `insiders.one_time_pin_hours`, is refused on `terminal` (this
        one by default: where the reset is done), and only lets its holder choose a new PIN.
        Also lifts a lock. One's own PIN is changed, not reset."""
        staff = self._get(uow, staff_no)
        if staff.id == uow.actor_id:
            raise Conflict("insiders.error.reset_own")
        pin, where = self._one_time_pin(uow, staff, terminal)
        uow.session.add(staff)
        uow.audit("staff.reset_pin", "staff", staff.id, terminal=where,
                  expires_at=staff.pin_expires_at)
        assert staff.pin_expires_at is not None
        return OneTimePin(StaffView.of(staff), pin, staff.pin_expires_at)

    @requires("staff.unlock")
    def unlock(self, uow: UnitOfWork, staff_no: str) -> StaffView:
        staff = self._get(uow, staff_no)
        staff.locked_until = None
        staff.failed_pins = 0
        uow.session.add(staff)
        uow.audit("staff.unlock", "staff", staff.id)
        return StaffView.of(staff)

    @requires("staff.admin")
    def deactivate(self, uow: UnitOfWork, staff_no: str) -> StaffView:
        """Refused while the staff member still owns clients or has open hand-offs."""
        staff = self._get(uow, staff_no)
        if staff.id == uow.actor_id:
            raise Conflict("error.staff.deactivate_self")
        clients = uow.session.exec(
            select(func.count(CMAssignment.id)).where(
                CMAssignment.cm_id == staff.id, CMAssignment.end_at.is_(None)  # type: ignore[union-attr]
            )
        ).one()
        if clients:
            raise Conflict("error.staff.owns_clients", count=clients)
        handoffs = uow.session.exec(
            select(func.count(Handoff.id)).where(
                Handoff.status.in_(OPEN_HANDOFF),  # type: ignore[attr-defined]
                or_(Handoff.to_staff_id == staff.id, Handoff.from_staff_id == staff.id),
            )
        ).one()
        if handoffs:
            raise Conflict("error.staff.open_handoffs", count=handoffs)
        staff.active = False
        uow.session.add(staff)
        uow.audit("staff.deactivate", "staff", staff.id)
        return StaffView.of(staff)

    @requires("handoff.view")
    def change_own_pin(self, uow: UnitOfWork, old_pin: str, new_pin: str) -> None:
        assert uow.staff is not None
        if not pin_matches(self.settings, uow.staff.pin_hash, old_pin):
            raise FieldError("field.old_pin", "error.field.old_pin")
        pin = check_new_pin(self.settings, uow.staff, new_pin, "insiders.field.new_pin")
        if pin == old_pin:
            raise FieldError("insiders.field.new_pin", "insiders.pin_weak.unchanged")
        uow.staff.pin_hash = hash_pin(self.settings, pin)
        uow.session.add(uow.staff)
        uow.audit("staff.change_pin", "staff", uow.staff.id)
