"""Reading and verifying the audit trail: the service the screens call (AuditService). The
chain's verification and the operator's checks live in store.audit_check (Core only, so the
operator's commands run without the models) and are named here as before."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from wealthtui.model import AuditEvent, AuditHead
from wealthtui.services.base import Service, UnitOfWork, requires
from wealthtui.services.lean import ReadStatement
from wealthtui.store.audit_check import (
    ChainReport,
    Problem,
    anchor_now,
    store_findings,
    verify_chain,
    verify_engine,
    verify_store,
)

__all__ = ["AuditRow", "AuditService", "ChainReport", "Problem", "anchor_now", "store_findings",
           "verify_chain", "verify_engine", "verify_store"]

#: the id of the last audit event (the head row)
LAST_ID = ReadStatement(lambda: select(AuditHead.last_id).where(AuditHead.id == 1))


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: object
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    detail: str
    manual_section: str


class AuditService(Service):
    @requires("audit.view", write=False)
    def verify(self, uow: UnitOfWork) -> ChainReport:
        return verify_chain(uow.session, key=self.ctx.audit_key())

    @requires("audit.view", write=False)
    def recent(self, uow: UnitOfWork, limit: int = 200) -> list[AuditRow]:
        rows = uow.session.exec(
            select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
        ).all()
        return [AuditRow(r.id, r.at, r.actor_id, r.action, r.entity, r.entity_id, r.detail,
                         r.manual_section) for r in rows]

    def change_marker(self) -> int:
        """The id of the last audit event: changes whenever anything is written anywhere.

        Screens poll this (a one-row read, a lean read without an actor: every terminal asks
        every second) and reload only when it moved."""
        return int(self.ctx.reader.run(None, None, lambda unit: unit.rows(LAST_ID)[0][0]))
