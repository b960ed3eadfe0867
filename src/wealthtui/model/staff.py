"""Staff (员工), the roles each holds, and their sign-in state; the sign-in throttle of each
terminal; requests to grant roles that wait for a second person."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from wealthtui.model.base import utc_field
from wealthtui.model.status import GrantStatus


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    staff_no: str = Field(unique=True, max_length=20)
    name: str = Field(max_length=40)
    pin_hash: str = Field(max_length=200)
    active: bool = True
    failed_pins: int = 0
    locked_until: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field()
    #: the PIN is a one-time PIN from a reset: it only lets the person choose a new PIN
    pin_must_change: bool = False
    #: when the one-time PIN stops working
    pin_expires_at: datetime | None = utc_field(nullable=True)
    #: who reset the PIN (staff id), when, and on which terminal (the one-time PIN is refused there)
    pin_reset_by: int | None = None
    pin_reset_at: datetime | None = utc_field(nullable=True)
    pin_reset_terminal: str = Field(default="", max_length=100)
    #: the staff member's birthday, when known: a PIN holding it is refused
    birthday: date | None = None
    #: the roles held, one StaffRole row each; read with the row (written only through
    #: services.staff, which adds and deletes StaffRole rows)
    role_rows: list["StaffRole"] = Relationship(sa_relationship_kwargs={
        "lazy": "selectin", "viewonly": True, "order_by": "StaffRole.id"})

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)


class StaffRole(SQLModel, table=True):
    """One role a staff member holds (a code of rules.permissions.ROLES). A row of its own, so
    "who holds role X" is an indexed query alike on SQLite and PostgreSQL, and each role given
    or taken is a row sealed by the audit event of the call that wrote it: a role added, changed
    or removed behind the services' back is found by `wealthtui db check` (store.seals)."""

    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("staff_id", "role", name="uq_staff_role"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    role: str = Field(max_length=20)


class LoginThrottle(SQLModel, table=True):
    """Wrong PINs typed at one terminal, whoever's staff number they were for: after a few, the
    terminal waits longer and longer before it takes the next try (services.auth)."""

    __tablename__ = "login_throttle"

    terminal: str = Field(primary_key=True, max_length=100)
    failures: int = 0
    last_failed_at: datetime | None = utc_field(nullable=True)
    wait_until: datetime | None = utc_field(nullable=True)


class RoleGrant(SQLModel, table=True):
    """A change of a staff member's roles that adds the head or supervisor role, or any role to
    the requester, waiting for a second, different authorised person (services.staff)."""

    __tablename__ = "role_grant"

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    requested_by: int = Field(foreign_key="staff.id")
    roles_before: str = Field(max_length=200)
    roles_after: str = Field(max_length=200)
    status: str = Field(default=GrantStatus.PENDING, max_length=12, index=True)  # a GrantStatus
    reason: str = Field(default="", max_length=500)
    requested_at: datetime = utc_field()
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = utc_field(nullable=True)
