"""The unit of work: one transaction of one service call.

`run_in_uow` opens it (BEGIN IMMEDIATE on SQLite for writes; on PostgreSQL a write takes the
audit head's row lock first, so writers go one at a time as on SQLite), loads the acting staff
row, runs the call, ends it (`UnitOfWork.finish`) and commits, and retries the whole call while
the store is busy; a store fault (a dropped connection, a full disk) becomes one sentence
(StoreFault), the next call gets a fresh connection from the engine's pool.

The audit trail (issue 15): `uow.audit(...)` records the call's events; when the call ends
(`UnitOfWork.finish`, before the commit) they are appended to the hash chain (store.chain; keyed
with the audit key when the program has one), the last one carrying the seals of every row of
a sealed table the call inserted, changed or deleted (store.seals, collected after each flush
and from Core UPDATE/DELETE statements through the session: read back at the end, unless
the call loaded the row whole after the statement), and `row_seal` records them. A
write that changed rows without an event of its own gets an `audit.seal` event.

The closed-day guard: before each flush, no record of a closed business day changes unless the
head amended that day in this unit of work (services.day.ensure_day_open). The days a call's
flushes found open are remembered for the rest of the call (`UnitOfWork.open_days`), so a call
asks the store once per day it touches, not once per flush; a write to a business day itself
forgets them.

The write path's cost (issue 21): the statements every call sends (the actor, the closed days)
are built once at import (a prebuilt statement keeps its cache key), and the session's listeners
are the session class's, not registered anew for each call. The actor is read with Core (its
id, number, name, `active`, `pin_must_change` and roles: `UnitOfWork.acting`, re-read at the
start of every call, so a deactivation or a role taken counts at once); the ORM staff row
(`uow.staff`) is loaded only when a call asks for it. A unit of work holds the last rows it
loaded (`HELD_ROWS`): the session's identity map keeps a row only while something holds it, so
without this a row asked for again by key in the same call (`session.get`) was read again.
`uow.memo` keeps what a call reads once however often it asks (the procedure catalog, a
checklist run and its step records, staff names: services.checklists; the counter session the
sign-on checks look at: services.queue) — for the call only. The audit chain's head is read
with the actor on SQLite (the write lock is held from BEGIN IMMEDIATE) and with the head's row
lock on PostgreSQL (`UnitOfWork.head`); the call's events are chained onto it and the head moves
by a compare-and-set (store.chain), read again if the same transaction appended meanwhile.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper
from sqlmodel import Session, col, select

from wealthtui.model import BusinessDay, Staff, StaffRole
from wealthtui.model.status import DayStatus
from wealthtui.rules import permissions
from wealthtui.rules.clock import business_date
from wealthtui.services.errors import Conflict, StoreBusy, StoreFault
from wealthtui.store import audit_key, seals, turns
from wealthtui.store.chain import (
    HEAD_COLUMNS,
    AuditKeyMissing,
    Head,
    NewEvent,
    append_event,
    append_events,
    new_event,
)
from wealthtui.store.engine import WRITE, is_busy_error, is_sqlite
from wealthtui.store.tables import audit_head

if TYPE_CHECKING:
    from wealthtui.services.context import Context

_LOAD_KEY: Any = object()
#: how many of the rows it loaded last a unit of work holds (UnitOfWork._held)
HELD_ROWS = 256


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
    key: bytes | None | object = _LOAD_KEY,
) -> NewEvent:
    """Append one event to the chain (store.chain) inside the caller's transaction (locks the
    head row). The audit key is the program's (store.audit_key) unless `key` is given; a keyed
    chain without a key is a Conflict."""
    try:
        return append_event(session.connection(), at=at, actor_id=actor_id, action=action,
                            entity=entity, entity_id=entity_id, detail=detail,
                            manual_section=manual_section,
                            key=audit_key.load() if key is _LOAD_KEY else key)  # type: ignore[arg-type]
    except AuditKeyMissing as exc:
        raise Conflict("tamper.error.key_missing") from exc


def _append(conn: Any, events: list[NewEvent], key: Any, head: Head | None) -> Head | None:
    try:
        return append_events(conn, events, key, head)
    except AuditKeyMissing as exc:
        raise Conflict("tamper.error.key_missing") from exc


@dataclass(frozen=True, slots=True)
class Acting:
    """The acting staff member as a call reads them at its start, with the roles held: what
    the permission check needs, read in one Core statement (no ORM row is built for it)."""

    id: int
    staff_no: str
    name: str
    active: bool
    pin_must_change: bool
    roles: frozenset[str]


class UnitOfWork:
    """One transaction of one service call: the session, the verified actor, the clock."""

    def __init__(self, ctx: Context, session: Session, acting: Acting | None) -> None:
        self.ctx = ctx
        self.session = session
        #: the actor as read at the start of the call (None without an actor)
        self.acting = acting
        self._staff: Any = _LOAD_KEY
        self.now = ctx.now()
        self.today = business_date(self.now, ctx.tz)
        self.settings = ctx.settings
        #: closed business days this unit of work may change (the head gave a reason, see
        #: services.day.ensure_day_open); every other write into a closed day is refused
        self.amended_days: set[date] = set()
        #: the audit events of this call, appended to the chain when it ends (finish)
        self._events: list[NewEvent] = []
        #: rows of sealed tables this call wrote: (table, row id) -> ORM instance or DELETED
        self._touched: dict[tuple[str, str], Any] = {}
        #: rows of sealed tables a Core UPDATE/DELETE through the session changed: table -> ids
        self._bulk: dict[str, set[Any]] = {}
        #: how many such statements each table had, and the rows of those tables loaded whole
        #: from the store since: (table, row id) -> (statements before the load, instance)
        self._bulk_seq: dict[str, int] = {}
        self._fresh: dict[tuple[str, str], tuple[int, Any]] = {}
        #: what to do once this call has committed (e.g. anchor the chain after a day close)
        self.after_commit: list[Callable[[], None]] = []
        #: business days this call's flushes found not closed (the closed-day guard asks the
        #: store once per day; forgotten when the call writes a business day)
        self.open_days: set[date] = set()
        #: what the call reads once however often it asks (e.g. the procedure catalog,
        #: services.checklists): name -> value
        self.memo: dict[str, Any] = {}
        #: the rows the call loaded last, held so that the session's identity map keeps them
        #: (it holds a row only while someone does): a row asked for again by key
        #: (`session.get`) in the same call is not read again
        self._held: deque[Any] = deque(maxlen=HELD_ROWS)
        #: the audit chain's head as read at the start of a write, under its write lock (with
        #: the actor on SQLite, as the lock on PostgreSQL): the append does not read it again
        #: (store.chain, a compare-and-set; None: read it when appending)
        self.head: Head | None = None

    @property
    def staff(self) -> Staff | None:
        """The actor's staff row (ORM), loaded when a call first asks for it (few do: a PIN
        change writes it)."""
        if self._staff is _LOAD_KEY:
            self._staff = (self.session.get(Staff, self.acting.id)
                           if self.acting is not None else None)
        return self._staff  # type: ignore[no-any-return]

    @property
    def actor_id(self) -> int | None:
        return self.acting.id if self.acting is not None else None

    @property
    def roles(self) -> frozenset[str]:
        return self.acting.roles if self.acting is not None else frozenset()

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
    ) -> NewEvent:
        """Record an audit event of this call. It is appended to the chain when the call
        ends, the last one carrying the seals of every row the call wrote (finish)."""
        event = new_event(at=self.now, actor_id=self.actor_id, action=action, entity=entity,
                          entity_id=entity_id, detail=detail, manual_section=manual_section)
        self._events.append(event)
        return event

    def finish(self) -> None:
        """End of the call, before its commit: flush, seal every row of a sealed table it
        wrote, append its audit events (the last one carries the seals; a write without an
        event gets an `audit.seal` event) and record the seals (store.seals)."""
        session = self.session
        if not (self._events or self._touched or self._bulk or session.new or session.dirty
                or session.deleted):
            return
        session.flush()
        found: dict[tuple[str, str], str] = {}
        for key, obj in self._touched.items():
            if obj is seals.DELETED:
                found[key] = seals.DELETED
            elif (sealed := seals.seal_of_instance(obj)) is not None:
                found[key] = sealed[2]
        if self._bulk:  # rows changed by Core statements: as the database now holds them
            conn = session.connection()
            for name, ids in self._bulk.items():
                found.update(seals.seal_rows(conn, name, self._seal_loaded(found, name, ids)))
        sealed_rows = [(t, r, d) for (t, r), d in found.items()]
        events = self._events
        if sealed_rows and not events:
            events = [new_event(at=self.now, actor_id=self.actor_id, action=seals.SEAL_ACTION,
                                entity=sealed_rows[0][0], entity_id=sealed_rows[0][1],
                                detail={"rows": len(sealed_rows)})]
        if sealed_rows:
            events[-1].seals = seals.format_seals(sealed_rows)
        if events:
            conn = session.connection()
            self.head = _append(conn, events, self.ctx.audit_key(), self.head)
            seals.upsert(conn, sealed_rows, events[-1].id)
        self._events, self._touched, self._bulk = [], {}, {}
        self._bulk_seq, self._fresh = {}, {}

    def _seal_loaded(self, found: dict[tuple[str, str], str], name: str,
                     ids: set[Any]) -> list[Any]:
        """Seal, from the instance, each row of `ids` the session loaded whole after the last
        Core statement on its table (so it holds what the store holds; flushed since, it still
        does); return the ids left to read back from the store."""
        left = []
        seq = self._bulk_seq.get(name, 0)
        for i in ids:
            key = (name, seals.row_id(i))
            got = self._fresh.get(key)
            state = sa_inspect(got[1]) if got is not None and got[0] == seq else None
            if state is None or not state.persistent or state.session is not self.session:
                left.append(i)
                continue
            sealed = seals.seal_of_instance(got[1])
            assert sealed is not None
            found[key] = sealed[2]
        return left


def _collect_written(session: Session, _context: object) -> None:
    """After each flush: remember the rows of sealed tables it wrote (UnitOfWork.finish)."""
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        return
    touched = uow._touched
    for obj in chain(session.new, session.dirty):
        key = seals.key_of_instance(obj)
        if key is not None:
            touched[key] = obj
    for obj in session.deleted:
        key = seals.key_of_instance(obj)
        if key is not None:
            touched[key] = seals.DELETED


def _note_bulk(state: Any) -> None:
    """Before a Core UPDATE or DELETE through the session on a sealed table: note the keys of
    the rows it is about to change (its WHERE clause, read in the same transaction, which
    holds the write lock), so that finish() seals them as the database then holds them."""
    if not (state.is_update or state.is_delete):
        return
    uow: UnitOfWork | None = state.session.info.get("uow")
    statement = state.statement
    name = getattr(getattr(statement, "table", None), "name", None)
    if uow is None or name not in seals.SEALED:
        return
    if name == BusinessDay.__tablename__:
        uow.open_days.clear()  # a day's status may change: the guard asks again
    ids = seals.keys_where(state.session.connection(), name, statement.whereclause,
                           statement.table)
    uow._bulk.setdefault(name, set()).update(ids)
    uow._bulk_seq[name] = uow._bulk_seq.get(name, 0) + 1


def _loaded(target: Any, context: Any, attrs: Any = None) -> None:
    """An instance loaded (or refreshed whole) from the store: when its table had a Core
    statement in this call, remember it as holding what the store holds now (finish)."""
    if attrs is not None:
        return  # only some attributes refreshed
    session = getattr(context, "session", None)
    uow: UnitOfWork | None = session.info.get("uow") if session is not None else None
    if uow is None:
        return
    uow._held.append(target)
    if not uow._bulk:
        return
    name = getattr(target, "__tablename__", None)
    if name in uow._bulk:
        key = seals.key_of_instance(target)
        if key is not None:
            uow._fresh[key] = (uow._bulk_seq.get(name, 0), target)


def _only_lifecycle(obj: object) -> bool:
    """True when a changed record only moved along its life: every attribute changed is one of
    its model's `__lifecycle_columns__` (a hand-off accepted, done or expired after its day was
    closed is finished, not changed; see model.handoff)."""
    allowed = getattr(type(obj), "__lifecycle_columns__", None)
    if not allowed:
        return False
    state = sa_inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return changed <= allowed


#: the first closed day among some (the closed-day guard's one question)
_CLOSED_AMONG = (select(BusinessDay.business_date)
                 .where(BusinessDay.status == DayStatus.CLOSED,
                        col(BusinessDay.business_date).in_(bindparam("days", expanding=True)))
                 .limit(1))


def _refuse_closed_days(session: Session, _context: object, _instances: object) -> None:
    """Before each flush of a write: no record of a closed business day changes, unless the
    head amended that day in this unit of work (with a reason, audited). Records carry
    `business_date`. Finishing a record (only its lifecycle columns changed, see
    `_only_lifecycle`) is not a change of its day. A day found open stays known open for the
    rest of the call, until the call writes a business day."""
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None or not session.info.get("write"):
        return
    if any(isinstance(obj, BusinessDay)
           for obj in chain(session.new, session.dirty, session.deleted)):
        uow.open_days.clear()  # a day's status may change in this flush
    dirty = (obj for obj in session.dirty if not _only_lifecycle(obj))
    days = {getattr(obj, "business_date", None)
            for obj in chain(session.new, dirty, session.deleted)
            if not isinstance(obj, BusinessDay)}
    days = {d for d in days if isinstance(d, date)}
    days -= uow.amended_days
    days -= uow.open_days
    if not days:
        return
    with session.no_autoflush:
        closed = session.execute(_CLOSED_AMONG, {"days": sorted(days)}).scalar()
    if closed is not None:
        raise Conflict("error.day.closed", date=closed.isoformat())
    uow.open_days |= days


class _CallSession(Session):
    """The session of one unit of work; its listeners are the class's (registered once)."""


event.listen(_CallSession, "before_flush", _refuse_closed_days)
event.listen(_CallSession, "after_flush", _collect_written)
event.listen(_CallSession, "do_orm_execute", _note_bulk)
event.listen(Mapper, "load", _loaded)
event.listen(Mapper, "refresh", _loaded)

#: the actor with each role held (one row per role, one row with no role for none): Core, so
#: that no ORM row is built for the permission check of every call
_STAFF, _ROLE = Staff.__table__.c, StaffRole.__table__.c  # type: ignore[attr-defined]
_ACTOR = (select(_STAFF.id, _STAFF.staff_no, _STAFF.name, _STAFF.active, _STAFF.pin_must_change,
                 _ROLE.role)
          .select_from(Staff.__table__.outerjoin(  # type: ignore[attr-defined]
              StaffRole.__table__, _ROLE.staff_id == _STAFF.id))  # type: ignore[attr-defined]
          .where(_STAFF.id == bindparam("staff_id")))
#: the same for a write, with whether the business day `today` is closed (the closed-day guard's
#: question for today, asked with the actor's row: most writes touch only today's records)
_DAY = BusinessDay.__table__.c  # type: ignore[attr-defined]
_WRITER = _ACTOR.add_columns(
    select(_DAY.business_date)
    .where(_DAY.business_date == bindparam("today"), _DAY.status == DayStatus.CLOSED)
    .scalar_subquery().label("today_closed"),
    *(select(column).where(audit_head.c.id == 1).scalar_subquery().label(column.name)
      for column in HEAD_COLUMNS))
#: on PostgreSQL, the audit head's row lock every write transaction takes first (it reads the
#: head: the call's audit events are chained onto it)
_WRITER_LOCK = select(*HEAD_COLUMNS).where(audit_head.c.id == 1).with_for_update()


@contextmanager
def _session(ctx: Context, write: bool) -> Iterator[Session]:
    with ctx.engine.connect() as conn:
        if write and is_sqlite(ctx.engine):
            conn = conn.execution_options(**WRITE)
        with _CallSession(bind=conn, expire_on_commit=False) as session:
            session.info["write"] = write
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


def _actor(ctx: Context, session: Session, staff_id: int | None,
           write: bool) -> tuple[Acting | None, date | None, Head | None]:
    """The acting staff member with their roles (None without an actor) and, for a write,
    today's date when its business day is not closed and the audit chain's head, in one
    statement."""
    if staff_id is None:
        return None, None, None
    conn = session.connection()
    if not write:
        rows = conn.execute(_ACTOR, {"staff_id": staff_id}).all()
        return _acting(rows), None, None
    today = business_date(ctx.now(), ctx.tz)
    rows = conn.execute(_WRITER, {"staff_id": staff_id, "today": today}).all()
    if not rows:
        return None, None, None
    head = Head.of(rows[0][7:10]) if rows[0][7] is not None else None
    return _acting(rows), today if rows[0][6] is None else None, head


def _acting(rows: Any) -> Acting | None:
    if not rows:
        return None
    sid, staff_no, name, active, must_change = rows[0][:5]
    return Acting(sid, staff_no, name, bool(active), bool(must_change),
                  frozenset(r[5] for r in rows if r[5] is not None))


def run_in_uow(
    ctx: Context, staff_id: int | None, write: bool, fn: Callable[[UnitOfWork], Any]
) -> Any:
    """Run fn in one transaction, retrying the whole of it while the store is busy."""
    retries = ctx.settings.store.write_retries
    delay = 0.05
    for attempt in range(retries + 1):
        try:
            # writers on SQLite queue first come, first served (store.turns: fair calling)
            with (turns.write_turn(ctx.engine, ctx.settings.store.busy_timeout_ms / 1000)
                  if write else nullcontext()), _session(ctx, write) as session:
                locked = None
                if write and not is_sqlite(ctx.engine):
                    # One writer at a time, as BEGIN IMMEDIATE gives on SQLite: every write
                    # transaction takes the audit head's row lock first, so read-then-write
                    # logic (next ticket number, call next) cannot interleave.
                    locked = Head.of(session.connection().execute(_WRITER_LOCK).one())
                acting, open_day, head = _actor(ctx, session, staff_id, write)
                uow = UnitOfWork(ctx, session, acting)
                uow.head = locked or head
                if open_day is not None and open_day == uow.today:
                    uow.open_days.add(open_day)
                session.info["uow"] = uow
                result = fn(uow)
                uow.finish()
            for then in uow.after_commit:
                then()
            return result
        except Exception as exc:  # noqa: BLE001 - narrowed just below
            if not is_busy_error(exc):
                if (fault := StoreFault.of(exc)) is not None and fault is not exc:
                    raise fault from exc  # rolled back: one sentence, nothing written
                raise
            if attempt == retries:
                raise StoreBusy("error.store_busy") from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")

