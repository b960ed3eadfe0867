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

The audit trail (issue 15): `uow.audit(...)` records the call's events; when the call ends
(`UnitOfWork.finish`, before the commit) they are appended to the hash chain (store.chain; keyed
with the audit key when the program has one), the last one carrying the seals of every row of
a sealed table the call inserted, changed or deleted (store.seals, collected after each flush
and from Core UPDATE/DELETE statements through the session), and `row_seal` records them. A
write that changed rows without an event of its own gets an `audit.seal` event.

Lean reads (hot reads that must cost little more than their SQL, such as the client look-up):
declare the method `@requires("action", write=False, lean=True)`; it receives a `ReadUnit`
instead of a UnitOfWork and runs `ReadStatement`s, Core SELECTs built once at first use:

    CARD = ReadStatement(lambda: select(Client.id, Client.name).where(Client.id == bindparam("id")))

    class LookupService(Service):
        @requires("client.lookup", write=False, lean=True)
        def get(self, unit: ReadUnit, client_id: int) -> ...:
            rows = unit.rows(CARD, {"id": client_id})   # plain tuples, values as Core gives them

The guarantees are those of every other call: the actor's staff row is read on every call (one
primary-key SELECT of `active, roles`) and an inactive actor or one whose roles lack the action
is refused and the refusal audited exactly as above; the statements of one call see one snapshot
on SQLite (BEGIN … COMMIT) and what was committed when each began on PostgreSQL (READ
COMMITTED, as in a unit of work there); a busy store is retried, a dropped connection replaced.
What is left out is the ORM: no Session, no pool checkout and reset per call, no ORM objects.
Each statement is compiled once per engine to the driver's SQL with its parameter order and
SQLAlchemy's own bind and result conversions (dates, UTC datetimes, booleans), and runs on a
plain DBAPI connection that the Context keeps for lean reads (`LeanReader`: made from the
engine, detached from its pool, read-only at the database — `PRAGMA query_only` / a read-only
session —, reused by one call at a time, never shared by two threads at once). Each statement
is announced to the engine's `before_cursor_execute` / `after_cursor_execute` listeners (with
no Connection and no context), so recorders of the SQL sent see these statements too. A lean
method called with a UnitOfWork joins that transaction like any other (`ReadUnit.within`).
Writes never take this path: a lean method has no session and its connection cannot write.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain
from types import MappingProxyType
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    DateTime,
    Engine,
    Integer,
    Select,
    bindparam,
    event,
    type_coerce,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from wealthtui.config import Settings
from wealthtui.model import AuditHead, BusinessDay, Staff
from wealthtui.rules import permissions
from wealthtui.rules.clock import BusinessDays, Clock, business_date, zone
from wealthtui.services.errors import Conflict, PermissionDenied, StoreBusy, StoreFault
from wealthtui.store import audit_key, seals, turns
from wealthtui.store.chain import (
    GENESIS,
    AuditKeyMissing,
    NewEvent,
    append_events,
    audit_hash,
    new_event,
)
from wealthtui.store.engine import WRITE, is_busy_error, is_sqlite

_LOAD_KEY: Any = object()
__all__ = ["GENESIS", "audit_hash"]  # re-exported: the chain lives in store.chain


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
    #: the connections and prepared statements of lean reads (see the module docstring)
    reader: LeanReader = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.reader = LeanReader(self)
        self._audit_key: Any = _LOAD_KEY

    def audit_key(self) -> bytes | None:
        """The audit key (store.audit_key), read once per context."""
        if self._audit_key is _LOAD_KEY:
            try:
                self._audit_key = audit_key.load()
            except audit_key.AuditKeyError as exc:
                raise Conflict(exc.key, **exc.params) from exc
        return self._audit_key  # type: ignore[no-any-return]

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.settings.center.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return business_date(self.clock.now(), self.tz)


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
    """Append one event to the chain inside the caller's transaction (locks the head row).
    The audit key is the program's (store.audit_key) unless `key` is given."""
    event = new_event(at=at, actor_id=actor_id, action=action, entity=entity,
                      entity_id=entity_id, detail=detail, manual_section=manual_section)
    _append(session.connection(), [event], audit_key.load() if key is _LOAD_KEY else key)
    return event


def _append(conn: Any, events: list[NewEvent], key: Any) -> None:
    try:
        append_events(conn, events, key)
    except AuditKeyMissing as exc:
        raise Conflict("tamper.error.key_missing") from exc


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
        #: the audit events of this call, appended to the chain when it ends (finish)
        self._events: list[NewEvent] = []
        #: rows of sealed tables this call wrote: (table, row id) -> ORM instance or DELETED
        self._touched: dict[tuple[str, str], Any] = {}
        #: rows of sealed tables a Core UPDATE/DELETE through the session changed: table -> ids
        self._bulk: dict[str, set[Any]] = {}
        #: what to do once this call has committed (e.g. anchor the chain after a day close)
        self.after_commit: list[Callable[[], None]] = []

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
                found.update(seals.seal_rows(conn, name, ids))
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
            _append(conn, events, self.ctx.audit_key())
            seals.upsert(conn, sealed_rows, events[-1].id)
        self._events, self._touched, self._bulk = [], {}, {}


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
    ids = seals.keys_where(state.session.connection(), name, statement.whereclause)
    uow._bulk.setdefault(name, set()).update(ids)


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


def _refuse_closed_days(session: Session, _context: object, _instances: object) -> None:
    """Before each flush: no record of a closed business day changes, unless the head amended
    that day in this unit of work (with a reason, audited). Records carry `business_date`.
    Finishing a record (only its lifecycle columns changed, see `_only_lifecycle`) is not a
    change of its day."""
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        return
    dirty = (obj for obj in session.dirty if not _only_lifecycle(obj))
    touched = chain(session.new, dirty, session.deleted)
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
            event.listen(session, "after_flush", _collect_written)
            event.listen(session, "do_orm_execute", _note_bulk)
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
            # writers on SQLite queue first come, first served (store.turns: fair calling)
            with (turns.write_turn(ctx.engine, ctx.settings.store.busy_timeout_ms / 1000)
                  if write else nullcontext()), _session(ctx, write) as session:
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


P = ParamSpec("P")
R = TypeVar("R")


# --- lean reads (see the module docstring) ---------------------------------------------------


class ReadStatement:
    """A Core SELECT for lean reads, built by `build` at first use (so importing a service
    builds nothing) and prepared once per engine by its LeanReader.

    Parameters without a value (`bindparam("id")`) are the caller's; every other bound value
    (a `.limit(1)`, a literal in the statement) is fixed. Expanding parameters are refused when
    prepared, as their SQL depends on the list: a fixed list is written out
    (`col.in_([literal(v) for v in values])`), a list given at run time does not fit here."""

    __slots__ = ("_build", "_statement")

    def __init__(self, build: Callable[[], Select[Any]]) -> None:
        self._build = build
        self._statement: Select[Any] | None = None

    @property
    def statement(self) -> Select[Any]:
        if self._statement is None:
            self._statement = self._build()
        return self._statement


class _Prepared:
    """A ReadStatement compiled for one engine: the driver's SQL; `args`, the caller's
    parameters and the statement's fixed values in the driver's order with SQLAlchemy's bind
    conversions; and after the first execution (which gives the column types the driver
    reports) `convert`, SQLAlchemy's result conversions of the rows, and `fetch`, the statement
    run on a cursor with its rows converted. Each is generated as one function, so a call costs
    no loop over parameters or columns and no call per row."""

    __slots__ = ("sql", "args", "columns", "convert", "fetch", "_args_code", "_namespace")

    def __init__(self, statement: Select[Any], engine: Engine) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        if "POSTCOMPILE" in self.sql:
            raise ValueError("a lean read statement cannot have expanding parameters")
        escaped = getattr(compiled, "escaped_bind_names", None) or {}
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        positional = bool(compiled.positional)
        order = list(compiled.positiontup or ()) if positional else list(by_name)
        namespace: dict[str, Any] = {"SQL": self.sql}
        items = []
        for i, name in enumerate(order):
            bind = by_name[name]
            fixed = bind.effective_value
            if bind.required:  # the caller's
                value = f"p[{name!r}]"
            elif fixed is None or type(fixed) in (int, str, float, bool):
                value = repr(fixed)  # fixed in the statement: a constant of the code
            else:
                namespace[f"v{i}"] = fixed
                value = f"v{i}"
            if proc := bind.type.dialect_impl(dialect).bind_processor(dialect):
                if bind.required and isinstance(bind.type, Date) and not isinstance(
                        bind.type, DateTime):
                    proc = _keep_last(proc)
                namespace[f"b{i}"] = proc
                value = f"b{i}({value})"
            items.append(value if positional else f"{escaped.get(name, name)!r}: {value}")
        body = "".join(f"{item}, " for item in items)
        self._args_code = f"({body})" if positional else "{" + body + "}"
        self._namespace = namespace
        exec(f"def args(p):\n    return {self._args_code}\n", namespace)  # noqa: S102
        self.args: Callable[[Mapping[str, Any]], Any] = namespace["args"]
        self.columns = list(statement.selected_columns)
        #: made at the first execution (see result_processors)
        self.convert: Callable[[list[Any]], list[tuple[Any, ...]]] | None = None
        self.fetch: Callable[[Any, Mapping[str, Any]], list[tuple[Any, ...]]] | None = None

    def result_processors(self, engine: Engine, description: Any) -> None:
        """Make `convert` and `fetch` from the types of the columns the driver reported."""
        dialect = engine.dialect
        procs = {
            i: proc for i, (column, described) in enumerate(
                zip(self.columns, description, strict=True))
            if (proc := column.type.dialect_impl(dialect).result_processor(dialect, described[1]))}
        namespace = self._namespace
        namespace.update({f"p{i}": proc for i, proc in procs.items()})
        if procs:  # each row unpacked and made anew with the converted values (a loop, not
            # a comprehension, which would be one more function call)
            names = ", ".join(f"r{i}" for i in range(len(self.columns)))
            values = "".join(f"p{i}(r{i}), " if i in procs else f"r{i}, "
                             for i in range(len(self.columns)))
            loop = (f"    out = []\n    for ({names},) in ROWS:\n"
                    f"        out.append(({values}))\n    return out\n")
        else:
            loop = "    return ROWS\n"
        exec(f"def convert(ROWS):\n{loop}"  # noqa: S102
             f"def fetch(c, p):\n    c.execute(SQL, {self._args_code})\n"
             f"{loop.replace('ROWS', 'c.fetchall()')}", namespace)
        self.convert = namespace["convert"]
        self.fetch = namespace["fetch"]


def _keep_last(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A date parameter's bind conversion that keeps its last result: most lean statements
    take the business date, which changes once a day. The value and its result are kept as
    one tuple (replaced whole, so threads do not mix them up)."""
    kept: tuple[Any, Any] = (object(), None)

    def convert(value: Any) -> Any:
        nonlocal kept
        seen, result = kept
        if value.__class__ is seen.__class__ and value == seen:
            return result
        result = proc(value)
        kept = (value, result)
        return result

    return convert


class ReadUnit:
    """One lean read: the verified actor, the clock's now and business date, and `rows()` to
    run ReadStatements. See the module docstring."""

    __slots__ = ("staff_id", "roles", "now", "today", "_reader", "_fetchers", "_cursor",
                 "_announce")

    def __init__(self, ctx: Context, staff_id: int | None, roles: frozenset[str], cursor: Any,
                 announce: bool, now: datetime | None = None) -> None:
        reader = ctx.reader
        self.staff_id = staff_id
        self.roles = roles
        self.now = now = now if now is not None else ctx.clock.now()
        self.today = reader.days.of(now)
        self._reader = reader
        self._fetchers = reader.fetchers
        self._cursor = cursor
        self._announce = announce

    @classmethod
    def within(cls, uow: UnitOfWork) -> ReadUnit:
        """A ReadUnit in the transaction of `uow` (sees what it wrote: pending ORM changes are
        flushed first), for a lean method called from another service or a write that shows
        its result the way a lean read does."""
        uow.session.flush()
        cursor = uow.session.connection().connection.dbapi_connection.cursor()
        return cls(uow.ctx, uow.actor_id, uow.roles, cursor, uow.ctx.reader.announcing(),
                   uow.now)

    def can(self, action: str) -> bool:
        return permissions.allowed(self.roles, action)

    def rows(self, statement: ReadStatement,
             params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Every row of `statement` run with `params`, as tuples in the order of its columns."""
        fetch = self._fetchers.get(statement)
        if fetch is not None and not self._announce:  # the usual way: one generated function
            try:
                return fetch(self._cursor, params or _NONE)
            except self._reader.dbapi_error as exc:
                prepared = self._reader.prepared[statement]
                raise self._reader.wrapped(exc, self._cursor, prepared.sql,
                                           prepared.args(params or _NONE)) from exc
        return self._reader.rows(self._cursor, statement, params or _NONE, self._announce)


_NONE: Mapping[str, Any] = MappingProxyType({})
_NO_ROLES: frozenset[str] = frozenset()
_UNKNOWN: Any = object()


def _staff_statement() -> Select[Any]:
    # `active` as the driver gives it (1/0 or a bool), read for its truth: no conversion; an
    # actor whose one-time PIN must still be changed counts as inactive here (issue 15)
    return (select(type_coerce(Staff.active & ~col(Staff.pin_must_change), Integer), Staff.roles)
            .where(Staff.id == bindparam("staff_id")))


STAFF_ROW = ReadStatement(_staff_statement)


class LeanReader:
    """The lean-read side of a Context: its own DBAPI connections and prepared statements.

    Connections are made by the engine (so its connect-time settings apply: pragmas, busy
    timeout, type loaders), detached from its pool and made read-only, each with one cursor
    that runs all its statements; an idle one is taken and put back with a list pop/append, so
    a call pays no checkout or reset. `engine.dispose()` closes the idle ones (an
    `engine_disposed` listener) and those in use when their call ends; new ones are made."""

    #: idle connections kept for the next calls; more are closed when put back
    KEEP = 4

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.engine = ctx.engine
        self._sqlite = is_sqlite(ctx.engine)
        #: idle connections: (DBAPI connection, its cursor, the engine's pool when made)
        self._idle: list[tuple[Any, Any, Any]] = []
        self._watching = False
        #: each ReadStatement prepared for this engine, and the `fetch` of those that have
        #: run once (ReadUnit.rows calls it)
        self.prepared: dict[ReadStatement, _Prepared] = {}
        self.fetchers: dict[ReadStatement, Callable[[Any, Mapping[str, Any]], Any]] = {}
        self._permits: dict[tuple[str, str], frozenset[str] | None] = {}
        self._dispatch = ctx.engine.dispatch
        self.dbapi_error: type[Exception] = ctx.engine.dialect.loaded_dbapi.Error
        #: the business date of an instant in the center's time zone (the settings of a
        #: Context do not change)
        self.days = BusinessDays(ctx.tz)

    # --- connections ---------------------------------------------------------------------------
    def _connect(self) -> tuple[Any, Any, Any]:
        if not self._watching:  # close the idle connections when the engine is disposed
            self._watching = True
            event.listen(self.engine, "engine_disposed", _closer(weakref.ref(self)))
        pool = self.engine.pool
        proxied = self.engine.raw_connection()
        proxied.detach()  # ours from now on: never returned to (or reset by) the engine's pool
        conn = proxied.dbapi_connection
        cursor = conn.cursor()
        if self._sqlite:
            cursor.execute("PRAGMA query_only = ON")
        else:
            conn.rollback()
            conn.autocommit = True  # each statement its own (read-only) transaction
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return conn, cursor, pool

    def _release(self, held: tuple[Any, Any, Any], clean: bool) -> None:
        if clean and held[2] is self.engine.pool and len(self._idle) < self.KEEP:
            self._idle.append(held)
            return
        try:
            held[0].close()
        except Exception:  # noqa: BLE001, S110 - a broken connection is dropped either way
            pass

    def close(self) -> None:
        """Close the idle connections (those in use are closed when their call ends, if the
        engine was disposed meanwhile)."""
        while self._idle:
            try:
                held = self._idle.pop()
            except IndexError:
                break
            self._release(held, clean=False)

    # --- statements ----------------------------------------------------------------------------
    def announcing(self) -> bool:
        """Whether the engine has cursor-execute listeners (asked once per call)."""
        dispatch = self._dispatch
        return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)

    def _execute(self, cursor: Any, sql: str, args: Any, announce: bool) -> None:
        """`sql` run unwrapped (a driver's error is the caller's to wrap), announced to the
        listeners when `announce`."""
        if not announce:
            cursor.execute(sql, args)
            return
        for listener in self._dispatch.before_cursor_execute:
            sql, args = listener(None, cursor, sql, args, None, False)
        cursor.execute(sql, args)
        self._dispatch.after_cursor_execute(None, cursor, sql, args, None, False)

    def wrapped(self, exc: Exception, cursor: Any, sql: str, args: Any) -> DBAPIError:
        """A driver's error as SQLAlchemy raises it (so callers and `is_busy_error` see the
        same exceptions as from a unit of work), marked when the connection was lost."""
        dialect = self.engine.dialect
        return DBAPIError.instance(  # type: ignore[return-value]
            sql, args, exc, self.dbapi_error, dialect=dialect,
            connection_invalidated=dialect.is_disconnect(exc, cursor.connection, cursor))

    def _prepare(self, statement: ReadStatement) -> _Prepared:
        prepared = self.prepared[statement] = _Prepared(statement.statement, self.engine)
        return prepared

    def rows(self, cursor: Any, statement: ReadStatement, params: Mapping[str, Any],
             announce: bool) -> list[tuple[Any, ...]]:
        """`statement` run the first time (it learns the column types) or while listeners
        watch; the usual run is ReadUnit.rows's."""
        prepared = self.prepared.get(statement) or self._prepare(statement)
        args = prepared.args(params)
        try:
            self._execute(cursor, prepared.sql, args, announce)
        except self.dbapi_error as exc:
            raise self.wrapped(exc, cursor, prepared.sql, args) from exc
        if prepared.convert is None:
            prepared.result_processors(self.engine, cursor.description)
            self.fetchers[statement] = prepared.fetch  # type: ignore[assignment]
        return prepared.convert(cursor.fetchall())  # type: ignore[misc]

    # --- one call --------------------------------------------------------------------------------
    @staticmethod
    def _permitted(roles_text: str, action: str) -> frozenset[str] | None:
        """The roles of a staff row's `roles` text if they allow `action`, else None."""
        roles = frozenset(r for r in roles_text.split(",") if r)
        return roles if permissions.allowed(roles, action) else None

    def run(self, staff_id: int | None, action: str | None, fn: Callable[..., R],
            *args: Any, **kwargs: Any) -> R:
        """fn(unit, *args, **kwargs) as one lean read by `staff_id`, refused (PermissionDenied,
        audited by the caller) unless that staff member is active and may do `action`; with
        `action` None, an explicit read without an actor. Retried while the store is busy
        (as a unit of work is) and at once on a dropped connection (once)."""
        delay, busy, dropped = 0.05, 0, 0
        sqlite = self._sqlite
        while True:
            try:
                held = self._idle.pop()
            except IndexError:
                try:
                    held = self._connect()
                except DBAPIError as exc:
                    if (fault := StoreFault.of(exc)) is not None:
                        raise fault from exc
                    raise
            if held[2] is not self.engine.pool:  # made before the engine was disposed
                self._release(held, clean=False)
                continue
            cursor = held[1]
            try:
                try:
                    dispatch = self._dispatch  # (announcing(), without the call)
                    announce = (bool(dispatch.before_cursor_execute)
                                or bool(dispatch.after_cursor_execute))
                    if sqlite:
                        if announce:
                            self._execute(cursor, "BEGIN", (), announce)
                        else:
                            cursor.execute("BEGIN")
                    unit = ReadUnit(self.ctx, staff_id, _NO_ROLES, cursor, announce)
                    if action is not None:  # the actor's staff row, read on every call
                        row = unit.rows(STAFF_ROW, {"staff_id": staff_id})
                        if not row or not row[0][0]:
                            raise PermissionDenied("error.permission.inactive")
                        # what a `roles` text allows: kept per text and action (a handful)
                        key = (row[0][1], action)
                        roles = self._permits.get(key, _UNKNOWN)
                        if roles is _UNKNOWN:
                            roles = self._permits[key] = self._permitted(*key)
                        if roles is None:
                            raise PermissionDenied("error.permission.denied", action=action)
                        unit.roles = roles
                    result = fn(unit, *args, **kwargs)
                    if sqlite:
                        if announce:
                            self._execute(cursor, "COMMIT", (), announce)
                        else:
                            cursor.execute("COMMIT")
                except self.dbapi_error as driver_error:  # BEGIN / COMMIT, run unwrapped
                    raise self.wrapped(driver_error, cursor, "BEGIN/COMMIT", ()) \
                        from driver_error
            except DBAPIError as exc:
                self._finish(held, broken=exc.connection_invalidated)
                if exc.connection_invalidated and not dropped:
                    dropped += 1
                    continue
                if not is_busy_error(exc):
                    if (fault := StoreFault.of(exc)) is not None:
                        raise fault from exc
                    raise
                if busy == self.ctx.settings.store.write_retries:
                    raise StoreBusy("error.store_busy") from exc
                busy += 1
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except BaseException:
                self._finish(held)
                raise
            else:
                self._release(held, clean=True)
                return result

    def _finish(self, held: tuple[Any, Any, Any], broken: bool = False) -> None:
        """Put a connection back after a failed call: rolled back first (an open read
        transaction on SQLite), or closed when broken."""
        if not broken:
            try:
                held[0].rollback()
            except Exception:  # noqa: BLE001 - cannot be reused: closed just below
                broken = True
        self._release(held, clean=not broken)


def _closer(reader: weakref.ref[LeanReader]) -> Callable[[Engine], None]:
    """An `engine_disposed` listener that closes the idle connections of `reader` (held weakly:
    the engine does not keep a Context alive)."""

    def closed(_engine: Engine) -> None:
        if (alive := reader()) is not None:
            alive.close()

    return closed


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
                if actor.staff is None or not permissions.allowed(actor.roles, action):
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
                staff = uow.staff
                if staff is None or not staff.active:
                    raise PermissionDenied("error.permission.inactive")
                if staff.pin_must_change:  # a one-time PIN allows nothing but choosing a PIN
                    raise PermissionDenied("insiders.error.must_change_first")
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
                         entity="action", entity_id=action, detail={"reason": exc.key},
                         key=uow.ctx.audit_key())

        run_in_uow(self.ctx, actor.staff_id, True, body)
