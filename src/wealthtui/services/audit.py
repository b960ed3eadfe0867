"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from wealthtui.model import AuditEvent, AuditHead
from wealthtui.services.base import (
    GENESIS,
    ReadStatement,
    Service,
    UnitOfWork,
    audit_hash,
    requires,
)

#: the id of the last audit event (the head row)
LAST_ID = ReadStatement(lambda: select(AuditHead.last_id).where(AuditHead.id == 1))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str = ""  # catalog key: audit.problem.*


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first row whose link or hash is wrong."""
    prev, expected_id, checked = GENESIS, 1, 0
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.id > last).order_by(col(AuditEvent.id)).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.id != expected_id:
                return ChainReport(False, checked, expected_id, "audit.problem.missing")
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.id, "audit.problem.link")
            if audit_hash(prev, event) != event.hash:
                return ChainReport(False, checked, event.id, "audit.problem.hash")
            prev, expected_id, checked = event.hash, expected_id + 1, checked + 1
        last = rows[-1].id
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != checked or head.last_hash != prev:
        return ChainReport(False, checked, checked + 1 if head else None, "audit.problem.head")
    return ChainReport(True, checked)


def verify_engine(engine: Engine) -> ChainReport:
    with Session(engine) as session:
        return verify_chain(session)


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
        return verify_chain(uow.session)

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
