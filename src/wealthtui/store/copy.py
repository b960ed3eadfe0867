"""A center copied from a SQLite file into an empty PostgreSQL database (`wealthtui db copy`).

Moving a center from one machine's file to a server, and the benchmark's PostgreSQL column
(bench/), both need the same center on PostgreSQL row for row. `copy_center`:

1. refuses a source that is not at this program's schema version and a target that already
   holds tables (nothing is ever overwritten);
2. makes the target's schema with the migrations (keys, indexes, the audit table's append-only
   triggers: the same database `wealthtui init` would make) and clears the rows the migrations
   seed (the chain head), which the copy brings;
3. copies every table in the order of its foreign keys with `COPY … FROM STDIN` (psycopg), the
   source read in one read transaction (one consistent state even while the center is in use);
   the values go as the SQLite file holds them (naive UTC instants, dates, 0/1 truths, text),
   which PostgreSQL reads into its typed columns; the rows are therefore byte-for-byte the same
   values, and the audit chain and row seals verify on the copy with the same key;
4. moves every id sequence past the copied ids, commits, and runs ANALYZE (store.stats: a
   freshly loaded table is otherwise planned as if empty).

Nothing is audited: the copy holds exactly the source's audit rows (an added row would make it
differ from the source it is checked against); the operator's command itself is not a staff
action.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, MetaData, text

#: rows read from SQLite per fetch
BATCH = 5000
#: tables the migrations own (their rows are the target's own, never copied)
OWN = frozenset({"alembic_version"})


class CopyRefused(Exception):
    """The copy cannot start; `key` is the catalog message, `params` its values."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class CopyResult:
    rows: dict[str, int] = field(default_factory=dict)  # table → rows copied, in copy order
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _order(target: Engine) -> list[str]:
    """The target's tables, each after the tables its foreign keys point to."""
    meta = MetaData()
    meta.reflect(bind=target)
    return [t.name for t in meta.sorted_tables if t.name not in OWN]


def _source_columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in con.execute(f"PRAGMA table_info({_quote(table)})")]


def _fix_sequences(cur) -> None:  # type: ignore[no-untyped-def]
    """Every serial/identity column's sequence set past the largest id copied."""
    cur.execute("SELECT table_name, column_name, pg_get_serial_sequence("
                "quote_ident(table_name), column_name) FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%%' "
                "OR is_identity = 'YES')")
    for table, column, sequence in cur.fetchall():
        if sequence is None:
            continue
        cur.execute(f"SELECT max({_quote(column)}) FROM {_quote(table)}")
        top = cur.fetchone()[0]
        if top is None:
            cur.execute("SELECT setval(%s, 1, false)", (sequence,))
        else:
            cur.execute("SELECT setval(%s, %s, true)", (sequence, top))


def copy_center(source: Path, target: Engine,
                progress: Callable[[str, int], None] | None = None) -> CopyResult:
    """Copy the center in the SQLite file `source` into the empty PostgreSQL database of
    `target`; raises CopyRefused (nothing written) when it cannot."""
    from wealthtui.store import schema, stats
    from wealthtui.store.engine import is_sqlite, make_engine

    if is_sqlite(target):
        raise CopyRefused("cli.copy.not_postgres")
    if not source.is_file():
        raise CopyRefused("cli.db.missing", path=str(source))
    probe = make_engine(str(source))
    try:
        state = schema.state(probe)
    finally:
        probe.dispose()
    if not state.up_to_date:
        raise CopyRefused("cli.copy.source_schema", path=str(source),
                          revision=state.current or "-", head=state.head)
    with target.connect() as conn:
        present = conn.execute(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
            "current_schema()")).scalar()
    if present:
        raise CopyRefused("cli.copy.target_not_empty", tables=present)

    started = time.perf_counter()
    try:
        schema.upgrade(target)
        result = _copy(source, target, _order(target), progress)
    except BaseException:
        _undo(target)  # the target was empty: it is left empty, and the copy can be run again
        raise
    stats.refresh(target, bulk=True)
    result.seconds = time.perf_counter() - started
    return result


def _undo(target: Engine) -> None:
    """Drop what a failed copy made in the (formerly empty) target."""
    from wealthtui.store.triggers import PG_FUNCTION

    meta = MetaData()
    with target.connect() as conn:
        meta.reflect(bind=conn)
        for table in reversed(meta.sorted_tables):
            conn.execute(text(f"DROP TABLE IF EXISTS {_quote(table.name)} CASCADE"))
        conn.execute(text(f"DROP TABLE IF EXISTS {_quote('alembic_version')}"))
        conn.execute(text(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}() CASCADE"))
        conn.commit()


def _copy(source: Path, target: Engine, order: list[str],
          progress: Callable[[str, int], None] | None) -> CopyResult:
    result = CopyResult()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    raw = target.raw_connection()
    try:
        pg = raw.driver_connection
        src.execute("BEGIN")  # one snapshot of the source for every table
        with pg.cursor() as cur:
            for table in order:  # the migrations' seed rows (the chain head) come from the source
                cur.execute(f"DELETE FROM {_quote(table)}")
            for table in order:
                cur.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = %s ORDER BY ordinal_position", (table,))
                columns = [name for (name,) in cur.fetchall()]
                if sorted(columns) != sorted(_source_columns(src, table)):
                    raise CopyRefused("cli.copy.columns_differ", table=table)
                names = ", ".join(_quote(c) for c in columns)
                rows = src.execute(f"SELECT {names} FROM {_quote(table)}")
                count = 0
                with cur.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
                    while batch := rows.fetchmany(BATCH):
                        for row in batch:
                            copy.write_row(row)
                        count += len(batch)
                result.rows[table] = count
                if progress is not None:
                    progress(table, count)
            _fix_sequences(cur)
        pg.commit()
    except BaseException:
        raw.driver_connection.rollback()
        raise
    finally:
        src.close()
        raw.close()
    return result
