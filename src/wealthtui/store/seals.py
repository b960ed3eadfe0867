"""Row seals: every business row is tied to the audit event of its last write.

A seal is a digest of a row's whole state (every column, in the table's column order, each value
encoded the same way on SQLite and PostgreSQL), 128 bits of SHA-256 as 32 hex digits. The audit
event of the write carries the seals of every row the write changed (`audit_event.seals`, covered
by the chain's hash), and `row_seal` keeps the last seal of each row with the id of that event,
so a check needs no replay of the log to find a row's seal.

`check()` (used by `wealthtui db check`) reports:
- a row whose digest is not its seal's (a direct UPDATE), or that has no seal (a direct INSERT);
- a seal of a row that is gone (a direct DELETE; a deleted row's seal is "-");
- a seal that is not the one its audit event carries (a forged seal);
- a seal older than the last event that sealed the row (a row and its seal put back to an
  earlier state), or a row sealed by an event whose seal is gone.
The events themselves are checked by the chain (services.audit / store.chain).

Writers: the unit of work seals what each service call changed (services.uow); bulk writers
(`wealthtui gen`, the demo's bulk rows, migrations) call `seal_unsealed` after writing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    cast,
    func,
    inspect,
    select,
    tuple_,
)

from wealthtui.store import tables as core
from wealthtui.store.chain import append_events, new_event

#: tables that are not business rows: the audit trail itself, its head, the seals, meta facts
UNSEALED = frozenset({"audit_event", "audit_head", "row_seal", "meta", "alembic_version"})
DELETED = "-"
SEAL_ACTION = "audit.seal"


def sealed_tables() -> list[Table]:
    """The business tables, as Core tables (store.tables: the models' columns in the models'
    order, so `db check` runs without loading the models), in the models' dependency order."""
    return [t for t in core.metadata.tables.values() if t.name not in UNSEALED]


SEALED = frozenset(t.name for t in sealed_tables())


def _pk(table: Table) -> Column[Any]:
    (pk,) = table.primary_key.columns  # every sealed table has a one-column key
    return pk


# --- the digest ----------------------------------------------------------------------------------
def _encoder(column: Column[Any]) -> Callable[[Any], str]:
    kind = column.type
    if isinstance(kind, Boolean):
        return lambda v: "~" if v is None else ("T" if v else "F")
    if isinstance(kind, DateTime) or isinstance(getattr(kind, "impl", None), DateTime):
        def dt(v: Any) -> str:
            if v is None:
                return "~"
            if v.tzinfo is not None:
                v = v.astimezone(UTC).replace(tzinfo=None)
            return v.isoformat()
        return dt
    return _plain


def _plain(v: Any) -> str:
    if v is None:
        return "~"
    if isinstance(v, bool):
        return "T" if v else "F"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, Decimal):
        return str(v.normalize())
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC).replace(tzinfo=None)
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    s = str(v)
    return f"{len(s)}:{s}"


@dataclass(frozen=True)
class _Layout:
    table: Table
    names: tuple[str, ...]
    encoders: tuple[Callable[[Any], str], ...]
    pk: str


_LAYOUTS: dict[str, _Layout] = {}


def layout(name: str) -> _Layout:
    got = _LAYOUTS.get(name)
    if got is None:
        table = core.metadata.tables[name]
        cols = list(table.columns)
        got = _LAYOUTS[name] = _Layout(table, tuple(c.name for c in cols),
                                       tuple(_encoder(c) for c in cols), _pk(table).name)
    return got


def row_id(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def digest(name: str, values: Sequence[Any]) -> str:
    """The seal of a row of table `name` from its values in the table's column order."""
    lay = layout(name)
    text = "\x1f".join([name, *(enc(v) for enc, v in zip(lay.encoders, values, strict=True))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def digest_without(name: str, values: Sequence[Any], left_out: Sequence[str]) -> str:
    """The seal the row had before the columns `left_out` were added to the table (values in
    today's column order): what a migration that added them checks before it reseals."""
    lay = layout(name)
    gone = set(left_out)
    text = "\x1f".join([name, *(enc(v) for n, enc, v in zip(lay.names, lay.encoders, values,
                                                               strict=True) if n not in gone)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def digest_as(name: str, columns: Sequence[str], values: Sequence[Any]) -> str:
    """The seal of a row of `name` laid out as `columns` (an earlier layout of the table: a
    column the models no longer have is encoded as the plain value it held)."""
    encoders = dict(zip(layout(name).names, layout(name).encoders, strict=True))
    text = "\x1f".join([name, *(encoders.get(c, _plain)(v)
                                for c, v in zip(columns, values, strict=True))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def seal_of_instance(obj: Any) -> tuple[str, str, str] | None:
    """(table, row id, digest) of an ORM instance of a sealed table, else None."""
    name = getattr(obj, "__tablename__", None)
    if name not in SEALED:
        return None
    lay = layout(name)
    values = [getattr(obj, n) for n in lay.names]
    return name, row_id(getattr(obj, lay.pk)), digest(name, values)


def key_of_instance(obj: Any) -> tuple[str, str] | None:
    name = getattr(obj, "__tablename__", None)
    if name not in SEALED:
        return None
    return name, row_id(getattr(obj, layout(name).pk))


def keys_where(conn: Connection, name: str, where: Any, table: Table | None = None) -> list[Any]:
    """The primary keys of the rows of `name` that `where` selects (None: every row); `table`:
    the Table object `where` is written against (the models' own, for an ORM statement), so the
    key is read from that same table."""
    pk = (table if table is not None else layout(name).table).c[layout(name).pk]
    stmt = select(pk) if where is None else select(pk).where(where)
    return [r[0] for r in conn.execute(stmt)]


def seal_rows(conn: Connection, name: str, ids: Iterable[Any]) -> dict[tuple[str, str], str]:
    """{(table, row id): digest} of rows `ids` of `name` as stored now ("-" for a row that is
    gone)."""
    lay = layout(name)
    pk = _pk(lay.table)
    pk_index = lay.names.index(pk.name)
    wanted = {row_id(i): i for i in ids}
    out: dict[tuple[str, str], str] = {(name, r): DELETED for r in wanted}
    for part in _chunks(list(wanted.values()), 500):
        for row in conn.execute(select(lay.table).where(pk.in_(part))):
            out[(name, row_id(row[pk_index]))] = digest(name, row)
    return out


# --- the seals an event carries ------------------------------------------------------------------
def format_seals(seals: Iterable[tuple[str, str, str]]) -> str:
    return "\n".join(f"{t}\t{r}\t{d}" for t, r, d in sorted(seals))


def parse_seals(text: str) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            out[(parts[0], parts[1])] = parts[2]
    return out


_UPSERTS: dict[str, Any] = {}


def _upsert_statement(dialect: str) -> Any:
    """The insert-or-update of seals for a dialect (built once per dialect: every write
    sends it)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        new = insert(core.row_seal)
        stmt = _UPSERTS[dialect] = new.on_conflict_do_update(
            index_elements=["tbl", "row_id"],
            set_={"digest": new.excluded.digest, "audit_id": new.excluded.audit_id})
    return stmt


def upsert(conn: Connection, seals: Sequence[tuple[str, str, str]], audit_id: int) -> None:
    """Record the seals as the rows' last, carried by event `audit_id`."""
    if not seals:
        return
    rows = [{"tbl": t, "row_id": r, "digest": d, "audit_id": audit_id} for t, r, d in seals]
    conn.execute(_upsert_statement(conn.dialect.name), rows[0] if len(rows) == 1 else rows)


# --- bulk writers -----------------------------------------------------------------------------------
def complete_tables(conn: Connection) -> list[str]:
    """The sealed tables the database holds with exactly the columns the models have. In a
    migration that is not the last one, a table a later migration creates, extends or takes a
    column from is not complete yet: that migration seals its rows (`migrate_layout`,
    `reseal_intact`)."""
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    return [t.name for t in sealed_tables() if t.name in present
            and {c.name for c in t.columns} == {c["name"] for c in inspector.get_columns(t.name)}]


def seal_unsealed(conn: Connection, *, at: datetime, key: bytes | None, batch: int = 5000,
                  actor_id: int | None = None, action: str = SEAL_ACTION,
                  commit_each: bool = False,
                  progress: Callable[[str, int], None] | None = None,
                  tables: Iterable[str] | None = None) -> int:
    """Seal every row that has no seal yet (rows a bulk writer inserted), one audit event per
    batch carrying the batch's seals; `commit_each` commits each batch (a large center's seals
    are not one huge transaction); `tables` limits it to those tables. Returns how many rows
    were sealed."""
    total = 0
    only = set(tables) if tables is not None else None
    for table in sealed_tables():
        if only is not None and table.name not in only:
            continue
        pk = _pk(table)
        lay = layout(table.name)
        last: Any = None
        while True:
            seal = core.row_seal
            stmt = (select(table)
                    .where(~select(seal.c.row_id).where(
                        seal.c.tbl == table.name,
                        seal.c.row_id == cast(pk, String)).exists())
                    .order_by(pk).limit(batch))
            if last is not None:
                stmt = stmt.where(pk > last)
            rows = conn.execute(stmt).all()
            if not rows:
                break
            pk_index = lay.names.index(pk.name)
            seals = [(table.name, row_id(r[pk_index]), digest(table.name, r)) for r in rows]
            event = new_event(at=at, actor_id=actor_id, action=action, entity=table.name,
                              entity_id=seals[0][1], detail={"rows": len(seals)},
                              seals=format_seals(seals))
            append_events(conn, [event], key)
            upsert(conn, seals, event.id)
            if commit_each:
                conn.commit()
            total += len(rows)
            last = rows[-1][pk_index]
            if progress:
                progress(table.name, total)
    return total


def migrate_layout(conn: Connection, name: str, *, added: Sequence[str], at: datetime,
                   key: bytes | None, batch: int = 5000) -> tuple[int, int]:
    """After a migration added the columns `added` to the sealed table `name`, every row's
    digest changes. Each sealed row whose seal is still its digest without those columns (it
    was not altered behind the services' back) is sealed anew, one `audit.seal` event per batch
    that says why; a row whose seal does not match keeps it, so `db check` still reports it.
    Rows without a seal (a database that was never sealed) are sealed. Returns (resealed, left)."""
    lay = layout(name)
    table, pk = lay.table, _pk(lay.table)
    pk_index = lay.names.index(pk.name)
    seal = core.row_seal
    resealed = left = 0
    last: Any = None
    while True:
        stmt = (select(table, seal.c.digest)
                .join(seal, and_(seal.c.tbl == name, seal.c.row_id == cast(pk, String)))
                .order_by(pk).limit(batch))
        if last is not None:
            stmt = stmt.where(pk > last)
        rows = conn.execute(stmt).all()
        if not rows:
            break
        fresh = []
        for row in rows:
            values, stored = row[:-1], row[-1]
            if stored == digest_without(name, values, added):
                fresh.append((name, row_id(values[pk_index]), digest(name, values)))
            else:
                left += 1
        if fresh:
            _record(conn, fresh, at=at, key=key, detail={"columns_added": list(added)})
            resealed += len(fresh)
        last = rows[-1][pk_index]
    resealed += seal_unsealed(conn, at=at, key=key, batch=batch, tables=[name])
    return resealed, left


def _record(conn: Connection, fresh: Sequence[tuple[str, str, str]], *, at: datetime,
            key: bytes | None, detail: dict[str, Any]) -> None:
    """One `audit.seal` event carrying `fresh` (saying why in `detail`); the seals recorded."""
    event = new_event(at=at, actor_id=None, action=SEAL_ACTION, entity=fresh[0][0],
                      entity_id=fresh[0][1], detail={"rows": len(fresh), **detail},
                      seals=format_seals(fresh))
    append_events(conn, [event], key)
    upsert(conn, fresh, event.id)


@dataclass(frozen=True)
class Relayout:
    """One record whose rows a migration lays out anew: the seals its rows must still have
    (`before`: table, row id, digest in the earlier layout) and those they get (`after`)."""

    before: tuple[tuple[str, str, str], ...]
    after: tuple[tuple[str, str, str], ...]


def reseal_intact(conn: Connection, records: Iterable[Relayout], *, at: datetime,
                  key: bytes | None, detail: dict[str, Any], batch: int = 2000) -> tuple[int, int]:
    """After a migration changed how records are stored (a column moved to rows of another
    table, or back), every digest changes. A record whose rows all still have their `before`
    seals (nothing altered behind the services' back) gets its `after` seals, one `audit.seal`
    event per batch saying why (`detail`); a record with a seal that does not match keeps its
    seals, so `db check` still reports it (and its new rows, unsealed). A row without a seal
    counts as intact only when its table has no seal at all (a center never sealed, see
    `complete_tables`). Returns (records resealed, records left)."""
    seal = core.row_seal
    resealed = left = 0
    records = list(records)
    never_sealed = {t for t in {t for rec in records for t, _, _ in rec.before}
                    if conn.execute(select(seal.c.row_id).where(seal.c.tbl == t).limit(1))
                    .first() is None}
    for part in _chunks(records, batch):
        keys = list({(t, r) for rec in part for t, r, _ in rec.before})
        stored: dict[tuple[str, str], str] = {}
        for sub in _chunks(keys, 400):
            stored.update(((t, r), d) for t, r, d in conn.execute(
                select(seal.c.tbl, seal.c.row_id, seal.c.digest)
                .where(tuple_(seal.c.tbl, seal.c.row_id).in_(sub))))
        fresh: list[tuple[str, str, str]] = []
        for rec in part:
            intact = True
            for t, r, d in rec.before:
                got = stored.get((t, r))
                intact = intact and (got == d if got is not None else t in never_sealed)
            if intact:
                fresh += rec.after
                resealed += 1
            else:
                left += 1
        if fresh:
            _record(conn, fresh, at=at, key=key, detail=detail)
    return resealed, left


# --- the check --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    key: str  # catalog key (check.*)
    params: dict[str, Any] = field(default_factory=dict)


def _chunks(it: Iterable[Any], n: int) -> Iterator[list[Any]]:
    buf: list[Any] = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


def has_seal_table(conn: Connection) -> bool:
    return inspect(conn).has_table("row_seal")


def check(conn: Connection, batch: int = 2000) -> list[Finding]:
    """Every row against its seal, every seal against its event (see the module docstring)."""
    if not has_seal_table(conn):
        return [Finding("tamper.seal.no_table")]
    findings: list[Finding] = []
    seal = core.row_seal
    sqlite = conn.dialect.name == "sqlite"
    for table in sealed_tables():
        pk = _pk(table)
        lay = layout(table.name)
        pk_index = lay.names.index(pk.name)
        joined = (select(table, seal.c.digest, seal.c.audit_id)
                  .select_from(table.outerjoin(seal, and_(
                      seal.c.tbl == table.name, seal.c.row_id == cast(pk, String))))
                  .order_by(pk))
        n = len(lay.names)
        for row in conn.execute(joined.execution_options(yield_per=batch)):
            rid = row_id(row[pk_index])
            sealed, audit_id = row[n], row[n + 1]
            if sealed is None:
                findings.append(Finding("tamper.seal.no_seal", {"table": table.name, "id": rid}))
            elif sealed != digest(table.name, row[:n]):
                findings.append(Finding("tamper.seal.row_changed",
                                        {"table": table.name, "id": rid, "audit": audit_id}))
        # sealed rows that are gone without an audited delete
        if isinstance(pk.type, Integer):
            match = pk == cast(seal.c.row_id, Integer)
        elif isinstance(pk.type, Date) and not sqlite:
            match = pk == cast(seal.c.row_id, Date)
        else:
            match = cast(pk, String) == seal.c.row_id
        gone = (select(seal.c.row_id, seal.c.audit_id)
                .where(seal.c.tbl == table.name, seal.c.digest != DELETED,
                       ~select(pk).where(match).exists())
                .order_by(seal.c.row_id))
        for rid, audit_id in conn.execute(gone):
            findings.append(Finding("tamper.seal.row_missing",
                                    {"table": table.name, "id": rid, "audit": audit_id}))
    findings += _seals_against_events(conn, batch)
    findings += _events_against_seals(conn, batch)
    return findings


def _event_seals(conn: Connection, ids: Sequence[int]) -> dict[int, dict[tuple[str, str], str]]:
    event = core.audit_event
    rows = conn.execute(select(event.c.id, event.c.seals).where(event.c.id.in_(ids)))
    return {int(i): parse_seals(s or "") for i, s in rows}


def _seals_against_events(conn: Connection, batch: int) -> list[Finding]:
    """Each seal is the one its (chained) audit event carries."""
    findings: list[Finding] = []
    seal = core.row_seal
    last = -1
    while True:
        ids = [int(r[0]) for r in conn.execute(
            select(seal.c.audit_id).where(seal.c.audit_id > last).group_by(seal.c.audit_id)
            .order_by(seal.c.audit_id).limit(batch))]
        if not ids:
            return findings
        events = _event_seals(conn, ids)
        rows = conn.execute(select(seal.c.tbl, seal.c.row_id, seal.c.digest, seal.c.audit_id)
                            .where(seal.c.audit_id.in_(ids)))
        for tbl, rid, dig, audit_id in rows:
            carried = events.get(int(audit_id), {}).get((tbl, rid))
            if carried != dig:
                findings.append(Finding("tamper.seal.not_in_event",
                                        {"table": tbl, "id": rid, "audit": audit_id}))
        last = ids[-1]


#: about how many characters one seal takes in an event's `seals` text (table, id, digest)
_SEAL_CHARS = 48


def _event_rounds(conn: Connection, batch: int) -> Iterator[list[tuple[int, str]]]:
    """The events that sealed rows, in id order, a round at a time of about `batch` seals: a
    service call's event seals a few rows, a bulk writer's thousands, so a round is cut by the
    length of the seals' text (read first) rather than by a number of events."""
    event = core.audit_event
    last, take = 0, 200
    while True:
        sizes = conn.execute(
            select(event.c.id, func.length(event.c.seals))
            .where(event.c.id > last, event.c.seals != "")
            .order_by(event.c.id).limit(take)).all()
        if not sizes:
            return
        ids, chars = [], 0
        for eid, size in sizes:
            if ids and chars + int(size) > batch * _SEAL_CHARS:
                break
            ids.append(int(eid))
            chars += int(size)
        take = max(50, min(5000, len(ids) * 2))
        yield [(int(i), text) for i, text in conn.execute(
            select(event.c.id, event.c.seals).where(event.c.id.in_(ids)).order_by(event.c.id))]
        last = ids[-1]


def _events_against_seals(conn: Connection, batch: int) -> list[Finding]:
    """Each row an event sealed still has a seal, from that event or a later one."""
    findings: list[Finding] = []
    seal = core.row_seal
    # one statement per table of a round, the ids bound as a list (a list of (table, id) pairs
    # was written into the SQL and compiled anew for each chunk: most of `db check`'s time)
    have_seal = (select(seal.c.row_id, seal.c.audit_id)
                 .where(seal.c.tbl == bindparam("tbl"),
                        seal.c.row_id.in_(bindparam("ids", expanding=True))))
    for events in _event_rounds(conn, batch):
        sealed_by: list[tuple[str, str, int]] = [
            (tbl, rid, eid) for eid, text in events for (tbl, rid) in parse_seals(text)]
        by_table: dict[str, set[str]] = {}
        for tbl, rid, _ in sealed_by:
            by_table.setdefault(tbl, set()).add(rid)
        have: dict[tuple[str, str], int] = {}
        for tbl, rids in by_table.items():
            for sub in _chunks(sorted(rids), 900):
                for rid, audit_id in conn.execute(have_seal, {"tbl": tbl, "ids": sub}):
                    have[(tbl, rid)] = int(audit_id)
        for tbl, rid, eid in sealed_by:
            now = have.get((tbl, rid))
            if now is None:
                findings.append(Finding("tamper.seal.lost",
                                        {"table": tbl, "id": rid, "audit": eid}))
            elif now < eid:
                findings.append(Finding("tamper.seal.stale",
                                        {"table": tbl, "id": rid, "audit": now, "newer": eid}))
    return findings
