"""Fast writing of generated rows: SQLAlchemy Core executemany in batches, parents first.

Rows carry their primary keys (handed out by `Ids`), so children can point at parents before
anything is written. Every row of a table has the same keys (the table's defaults filled in).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import Connection, Engine, Table, func, select
from sqlmodel import SQLModel

import wealthtui.model  # noqa: F401  (registers the tables)

Row = dict[str, Any]


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _model_for(name: str) -> type[SQLModel]:
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_  # type: ignore[no-any-return]
    raise KeyError(name)


_TEMPLATES: dict[str, Row] = {}


def template(name: str) -> Row:
    """The table's column defaults (from the model), so every generated row has every key."""
    if name not in _TEMPLATES:
        model = _model_for(name)
        out: Row = {}
        for column in table(name).columns:
            field = model.model_fields.get(column.name)
            default = None if field is None else field.default
            out[column.name] = None if default is PydanticUndefined else default
        _TEMPLATES[name] = out
    return _TEMPLATES[name]


def make_row(table_name: str, /, **values: Any) -> Row:
    row = dict(template(table_name))
    unknown = values.keys() - row.keys()
    if unknown:
        raise KeyError(f"{table_name}: no columns {sorted(unknown)}")
    row.update(values)
    return row


class Ids:
    """Primary keys for new rows, continuing after what the database already holds."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._counters: dict[str, itertools.count[int]] = {}

    def reset(self) -> None:
        """Forget the counters (after something else inserted rows): re-read the maxima."""
        self._counters.clear()

    def next(self, name: str) -> int:
        counter = self._counters.get(name)
        if counter is None:
            t = table(name)
            last = self.conn.execute(select(func.max(t.c.id))).scalar() or 0
            counter = self._counters[name] = itertools.count(last + 1)
        return next(counter)


# Insert order: parents before children (foreign keys are enforced at once on SQLite).
ORDER = [t.name for t in SQLModel.metadata.sorted_tables]


class BulkWriter:
    """Buffers rows per table and writes them with executemany; `flush()` writes all buffers
    in dependency order. `on_write(table, n)` is told how many rows went out."""

    def __init__(self, conn: Connection, *, batch: int = 20_000, commit: bool = False,
                 on_write: Callable[[str, int], None] | None = None) -> None:
        self.conn = conn
        self.batch = batch
        self.commit = commit
        self.on_write = on_write
        self.buffers: dict[str, list[Row]] = {}
        self.pending = 0
        self.written: dict[str, int] = {}

    def add(self, name: str, row: Row) -> None:
        self.buffers.setdefault(name, []).append(row)
        self.pending += 1
        if self.pending >= self.batch:
            self.flush()

    def extend(self, name: str, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add(name, row)

    def flush(self) -> None:
        for name in ORDER:
            rows = self.buffers.pop(name, None)
            if rows:
                self.conn.execute(table(name).insert(), rows)
                self.written[name] = self.written.get(name, 0) + len(rows)
                if self.on_write:
                    self.on_write(name, len(rows))
        self.pending = 0
        if self.commit:
            self.conn.commit()


def fix_sequences(conn: Connection) -> None:
    """On PostgreSQL, move each id sequence past the ids written here (SQLite needs nothing)."""
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import inspect

    present = set(inspect(conn).get_table_names())  # a schema older than the models lacks some
    for t in SQLModel.metadata.sorted_tables:
        if t.name not in present:
            continue
        if "id" in t.c and t.c.id.primary_key and t.c.id.autoincrement is not False:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {t.name}), 0) + 1, false)")


def seal_bulk(engine: Engine, at: datetime) -> int:
    """Seal every row written in bulk (store.seals): one `audit.seal` event per batch, chained
    like the services' own events (with the audit key when there is one). A fresh demo or
    generated center then has no `db check` findings."""
    from wealthtui.store import audit_key, seals
    from wealthtui.store.engine import WRITE, is_sqlite

    key = audit_key.load()
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(**WRITE)
        return seals.seal_unsealed(conn, at=at, key=key, commit_each=True)
