"""What every service shares: the context, the unit of work, the permission check and the audit.

A service method is declared with @requires("action") and receives a UnitOfWork in place of the
actor:

    class HandoffService(Service):
        @requires("handoff.respond")
        def accept(self, uow: UnitOfWork, handoff_id: int) -> HandoffView: ...

Callers pass the Actor: `services.handoffs.accept(actor, 12)`. Another service that needs this
step inside its own transaction passes its UnitOfWork instead of the Actor
(`self.queue.finish(uow, ticket_id)`): the call joins that transaction, and the acting staff
member must hold this action as well. Otherwise the wrapper opens one
transaction (BEGIN IMMEDIATE on SQLite for writes), loads the actor's staff row, refuses an
inactive actor or one whose roles lack the action (and audits the refusal in its own
transaction), runs the method, commits, and retries the whole call when the store is busy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, update
from sqlmodel import Session, col, select

from wealthtui.config import Settings
from wealthtui.model import AuditEvent, AuditHead, BusinessDay, Staff
from wealthtui.rules import permissions
from wealthtui.rules.clock import Clock, business_date, zone
from wealthtui.services.errors import Conflict, PermissionDenied, StoreBusy
from wealthtui.store.engine import WRITE, is_busy_error, is_sqlite


@dataclass(frozen=True)
class Actor:
    """The signed-in staff member, as returned by AuthService.login."""

    staff_id: int
    staff_no: str
    name: str
    roles: frozenset[str]

    def can(self, action: str) -> bool:
        return permissions.allowed(self.roles, action)

    @classmethod
    def of(cls, staff: Staff) -> Actor:
        assert staff.id is not None
        return cls(staff.id, staff.staff_no, staff.name, staff.role_set)


@dataclass
class Context:
    engine: Engine
    settings: Settings
    clock: Clock = field(default_factory=Clock)

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.settings.center.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return business_date(self.clock.now(), self.tz)


GENESIS = "0" * 64


def audit_hash(prev_hash: str, event: AuditEvent) -> str:
    """SHA-256 over the previous hash and the event's content, in a fixed order."""
    at = event.at.astimezone(UTC).isoformat() if event.at else ""  # as read back from the store
    parts = [prev_hash, str(event.id), at, str(event.actor_id or ""), event.action, event.entity,
             event.entity_id, event.detail, event.manual_section]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def append_audit(
    session: Session,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    entity: str = "",
    entity_id: object = "",
    detail: dict[str, Any] | None = None,
    manual_section: str = "",
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction (locks the head row)."""
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()
    event = AuditEvent(
        id=head.last_id + 1,
        at=at,
        actor_id=actor_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id if entity_id is not None else ""),
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str),
        manual_section=manual_section,
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = audit_hash(head.last_hash, event)
    session.add(event)
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=event.id, last_hash=event.hash)
    )
    return event


class UnitOfWork:
    """One transaction of one service call: the session, the verified actor, the clock."""

    def __init__(self, ctx: Context, session: Session, staff: Staff | None) -> None:
        self.ctx = ctx
        self.session = session
        self.staff = staff
        self.now = ctx.now()
        self.today = business_date(self.now, ctx.tz)
        self.settings = ctx.settings
        #: closed business days this unit of work may change (the head gave a reason, see
        #: services.day.ensure_day_open); every other write into a closed day is refused
        self.amended_days: set[date] = set()

    @property
    def actor_id(self) -> int | None:
        return self.staff.id if self.staff else None

    @property
    def roles(self) -> frozenset[str]:
        return self.staff.role_set if self.staff else frozenset()

    def can(self, action: str) -> bool:
        return permissions.allowed(self.roles, action)

    def audit(
        self,
        action: str,
        entity: str = "",
        entity_id: object = "",
        *,
        manual_section: str = "",
        **detail: Any,
    ) -> AuditEvent:
        return append_audit(
            self.session,
            at=self.now,
            actor_id=self.actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
            manual_section=manual_section,
        )


def _refuse_closed_days(session: Session, _context: object, _instances: object) -> None:
    """Before each flush: no record of a closed business day changes, unless the head amended
    that day in this unit of work (with a reason, audited). Records carry `business_date`."""
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        return
    touched = chain(session.new, session.dirty, session.deleted)
    days = {getattr(obj, "business_date", None) for obj in touched
            if not isinstance(obj, BusinessDay)}
    days = {d for d in days if isinstance(d, date)} - uow.amended_days
    if not days:
        return
    with session.no_autoflush:
        closed = session.exec(
            select(BusinessDay.business_date).where(
                BusinessDay.status == "closed", col(BusinessDay.business_date).in_(days)
            )
        ).first()
    if closed is not None:
        raise Conflict("error.day.closed", date=closed.isoformat())


@contextmanager
def _session(ctx: Context, write: bool) -> Iterator[Session]:
    with ctx.engine.connect() as conn:
        if write and is_sqlite(ctx.engine):
            conn = conn.execution_options(**WRITE)
        with Session(bind=conn, expire_on_commit=False) as session:
            if write:
                event.listen(session, "before_flush", _refuse_closed_days)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def run_in_uow(
    ctx: Context, staff_id: int | None, write: bool, fn: Callable[[UnitOfWork], Any]
) -> Any:
    """Run fn in one transaction, retrying the whole of it while the store is busy."""
    retries = ctx.settings.store.write_retries
    delay = 0.05
    for attempt in range(retries + 1):
        try:
            with _session(ctx, write) as session:
                if write and not is_sqlite(ctx.engine):
                    # One writer at a time, as BEGIN IMMEDIATE gives on SQLite: every write
                    # transaction takes the audit head's row lock first, so read-then-write
                    # logic (next ticket number, call next) cannot interleave.
                    session.execute(
                        select(AuditHead.id).where(AuditHead.id == 1).with_for_update()
                    )
                staff = session.get(Staff, staff_id) if staff_id is not None else None
                uow = UnitOfWork(ctx, session, staff)
                session.info["uow"] = uow
                return fn(uow)
        except Exception as exc:  # noqa: BLE001 - narrowed just below
            if not is_busy_error(exc):
                raise
            if attempt == retries:
                raise StoreBusy("error.store_busy") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


P = ParamSpec("P")
R = TypeVar("R")

#: every service method declared with @requires: (qualified name, action, function)
REGISTRY: list[tuple[str, str, Callable[..., Any]]] = []


def requires(action: str, *, write: bool = True) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare the permission a service method needs. See the module docstring."""
    if action not in permissions.MATRIX:
        raise KeyError(f"action {action!r} is not in the permissions matrix")

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(fn)
        def wrapper(self: Service, actor: Actor | UnitOfWork, /, *args: Any, **kwargs: Any) -> R:
            if isinstance(actor, UnitOfWork):
                # called from another service: join its transaction, check this action too
                if actor.staff is None or not permissions.allowed(actor.roles, action):
                    raise PermissionDenied("error.permission.denied", action=action)
                return fn(self, actor, *args, **kwargs)

            def body(uow: UnitOfWork) -> R:
                staff = uow.staff
                if staff is None or not staff.active:
                    raise PermissionDenied("error.permission.inactive")
                if not permissions.allowed(staff.role_set, action):
                    raise PermissionDenied("error.permission.denied", action=action)
                return fn(self, uow, *args, **kwargs)

            try:
                return run_in_uow(self.ctx, actor.staff_id, write, body)
            except PermissionDenied as exc:
                self._audit_refusal(actor, action, exc)
                raise

        wrapper.action = action  # type: ignore[attr-defined]
        REGISTRY.append((fn.__qualname__, action, fn))
        return wrapper

    return decorate


class Service:
    """Base of every service: holds the shared context."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def _write(self, fn: Callable[[UnitOfWork], R], staff_id: int | None = None) -> R:
        """A write without a signed-in actor (sign-in itself, bootstrap); audited by fn."""
        return run_in_uow(self.ctx, staff_id, True, fn)

    def _read(self, fn: Callable[[UnitOfWork], R], staff_id: int | None = None) -> R:
        return run_in_uow(self.ctx, staff_id, False, fn)

    def _audit_refusal(self, actor: Actor, action: str, exc: PermissionDenied) -> None:
        def body(uow: UnitOfWork) -> None:
            actor_id = actor.staff_id if uow.staff is not None else None
            append_audit(uow.session, at=uow.now, actor_id=actor_id, action="security.refused",
                         entity="action", entity_id=action, detail={"reason": exc.key})

        run_in_uow(self.ctx, actor.staff_id, True, body)
