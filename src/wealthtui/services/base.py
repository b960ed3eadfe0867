"""What every service shares: the Service base, the permission declaration (@requires), the
Actor, and the Context (services.context).

A service method is declared with @requires("action") and receives a UnitOfWork
(services.uow) in place of the actor:

    class HandoffService(Service):
        @requires("handoff.respond")
        def accept(self, uow: UnitOfWork, handoff_id: int) -> HandoffView: ...

Callers pass the Actor: `services.handoffs.accept(actor, 12)`. Another service that needs this
step inside its own transaction passes its UnitOfWork instead of the Actor
(`self.queue.finish(uow, ticket_id)`): the call joins that transaction, and the acting staff
member must hold this action as well. Otherwise the wrapper opens one transaction
(services.uow.run_in_uow), reads the actor (`uow.acting`: one Core statement with the roles
held), refuses an inactive actor or one whose roles lack the action (and audits the refusal
in its own transaction), runs the method, commits, and retries the whole call when the store
is busy.

`@requires("action", write=False, lean=True)` makes a lean read (services.lean): the method
receives a ReadUnit and runs prepared Core SELECTs on the reader's own connection, with the
same permission check and refusal audit.

Where the rest lives: the transaction, its audit events, row seals and the closed-day guard in
services.uow; lean reads in services.lean; the audit hash chain in store.chain; how services
get their collaborators in services/__init__.py (Services).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from wealthtui.config import Settings
from wealthtui.model import Staff
from wealthtui.rules import permissions
from wealthtui.services.context import Context
from wealthtui.services.errors import PermissionDenied
from wealthtui.services.lean import ReadUnit
from wealthtui.services.uow import UnitOfWork, append_audit, run_in_uow

__all__ = ["REGISTRY", "Actor", "Context", "Service", "UnitOfWork", "requires"]

R = TypeVar("R")


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


#: every service method declared with @requires: (qualified name, action, function)
REGISTRY: list[tuple[str, str, Callable[..., Any]]] = []


def requires(action: str, *, write: bool = True,
             lean: bool = False) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare the permission a service method needs; `lean=True` (reads only) makes it a lean
    read that receives a ReadUnit. See the module docstring."""
    if action not in permissions.MATRIX:
        raise KeyError(f"action {action!r} is not in the permissions matrix")
    if lean and write:
        raise ValueError("a lean method only reads: declare it write=False")

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(fn)
        def wrapper(self: Service, actor: Actor | UnitOfWork, /, *args: Any, **kwargs: Any) -> R:
            if isinstance(actor, UnitOfWork):
                # called from another service: join its transaction, check this action too
                if actor.acting is None or not permissions.allowed(actor.roles, action):
                    raise PermissionDenied("error.permission.denied", action=action)
                return fn(self, ReadUnit.within(actor) if lean else actor, *args, **kwargs)

            if lean:
                try:
                    return self.ctx.reader.run(actor.staff_id, action, fn.__get__(self),
                                               *args, **kwargs)
                except PermissionDenied as exc:
                    self._audit_refusal(actor, action, exc)
                    raise

            def body(uow: UnitOfWork) -> R:
                acting = uow.acting
                if acting is None or not acting.active:
                    raise PermissionDenied("error.permission.inactive")
                if acting.pin_must_change:  # a one-time PIN allows nothing but choosing a PIN
                    raise PermissionDenied("insiders.error.must_change_first")
                if not permissions.allowed(acting.roles, action):
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
            actor_id = actor.staff_id if uow.acting is not None else None
            append_audit(uow.session, at=uow.now, actor_id=actor_id, action="security.refused",
                         entity="action", entity_id=action, detail={"reason": exc.key},
                         key=uow.ctx.audit_key())

        run_in_uow(self.ctx, actor.staff_id, True, body)
