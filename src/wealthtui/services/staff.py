"""Staff administration: add, roles, PIN reset, unlock, deactivate; the first head at init."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import or_, select

from wealthtui.model import CMAssignment, Handoff, Staff
from wealthtui.rules import permissions
from wealthtui.rules.fields import FieldError, parse_name
from wealthtui.services.auth import hash_pin, pin_matches, validate_pin
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.errors import Conflict, NotFound

OPEN_HANDOFF = ("open", "accepted")


@dataclass(frozen=True)
class StaffView:
    id: int
    staff_no: str
    name: str
    roles: tuple[str, ...]
    active: bool
    locked_until: datetime | None

    @classmethod
    def of(cls, s: Staff) -> StaffView:
        assert s.id is not None
        ordered = tuple(r for r in permissions.ROLES if r in s.role_set)
        return cls(s.id, s.staff_no, s.name, ordered, s.active, s.locked_until)


def _staff_no(text: str) -> str:
    value = text.strip()
    if not value or not value.isascii() or not value.isalnum() or len(value) > 20:
        raise FieldError("field.staff_no", "error.field.staff_no")
    return value


def _roles(roles: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    unknown = sorted(set(roles) - set(permissions.ROLES))
    if unknown or not roles:
        raise FieldError("field.roles", "error.field.roles", accepted=", ".join(permissions.ROLES))
    return ",".join(r for r in permissions.ROLES if r in roles)


class StaffService(Service):
    def _get(self, uow: UnitOfWork, staff_no: str) -> Staff:
        staff = uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
        if staff is None:
            raise NotFound("error.staff.not_found", staff_no=staff_no)
        return staff

    def _pin(self, pin: str) -> str:
        sec = self.settings.security
        return validate_pin(pin, sec.pin_min_length, sec.pin_max_length)

    def has_staff(self) -> bool:
        return self._read(lambda uow: uow.session.exec(select(func.count(Staff.id))).one() > 0)

    def bootstrap_head(self, staff_no: str, name: str, pin: str) -> StaffView:
        """Create the first head of a new, empty center. Refused once any staff exists."""
        staff_no, name, pin = _staff_no(staff_no), parse_name(name), self._pin(pin)

        def body(uow: UnitOfWork) -> StaffView:
            if uow.session.exec(select(func.count(Staff.id))).one():
                raise Conflict("error.staff.bootstrap_done")
            staff = Staff(staff_no=staff_no, name=name, roles=permissions.HEAD,
                          pin_hash=hash_pin(self.settings, pin), created_at=uow.now)
            uow.session.add(staff)
            uow.session.flush()
            uow.audit("staff.bootstrap", "staff", staff.id, staff_no=staff_no, roles=staff.roles)
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
    def add(self, uow: UnitOfWork, staff_no: str, name: str, roles: list[str], pin: str) -> StaffView:
        staff_no, name, role_text, pin = _staff_no(staff_no), parse_name(name), _roles(roles), self._pin(pin)
        if uow.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first():
            raise Conflict("error.staff.exists", staff_no=staff_no)
        staff = Staff(staff_no=staff_no, name=name, roles=role_text, pin_hash=hash_pin(self.settings, pin),
                      created_at=uow.now)
        uow.session.add(staff)
        uow.session.flush()
        uow.audit("staff.add", "staff", staff.id, staff_no=staff_no, roles=role_text)
        return StaffView.of(staff)

    @requires("staff.admin")
    def set_roles(self, uow: UnitOfWork, staff_no: str, roles: list[str]) -> StaffView:
        staff = self._get(uow, staff_no)
        before, staff.roles = staff.roles, _roles(roles)
        if staff.id == uow.actor_id and permissions.HEAD not in staff.role_set:
            raise Conflict("error.staff.own_head_role")
        uow.session.add(staff)
        uow.audit("staff.roles", "staff", staff.id, before=before, after=staff.roles)
        return StaffView.of(staff)

    @requires("staff.admin")
    def reset_pin(self, uow: UnitOfWork, staff_no: str, new_pin: str) -> StaffView:
        staff = self._get(uow, staff_no)
        staff.pin_hash = hash_pin(self.settings, self._pin(new_pin))
        staff.failed_pins = 0
        uow.session.add(staff)
        uow.audit("staff.reset_pin", "staff", staff.id)
        return StaffView.of(staff)

    @requires("staff.admin")
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
        uow.staff.pin_hash = hash_pin(self.settings, self._pin(new_pin))
        uow.session.add(uow.staff)
        uow.audit("staff.change_pin", "staff", uow.staff.id)
