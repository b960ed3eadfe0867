"""The query planner's statistics: kept fresh after bulk loads and at the close of a day.

Without statistics SQLite guesses every index equally good and PostgreSQL plans a freshly
loaded table as if it were empty (a nested loop over 453k rows for the look-up after `gen`).
`refresh(engine, bulk=…)` is the one place that keeps them:

- SQLite: `ANALYZE` of every table after a bulk load (`bulk=True`), else of every table that has
  no row in `sqlite_stat1` yet, with `PRAGMA analysis_limit` so that a million-row table is
  sampled, not read whole; then `PRAGMA optimize`, which re-analyses what changed enough since.
- PostgreSQL: `ANALYZE` after a bulk load (autovacuum keeps the statistics after that).

Called by `wealthtui gen` (demo.synthetic.generate), the client import and, once committed, the
close of a day (services.day). It changes no business row (nothing to seal or audit).
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from wealthtui.store.engine import WRITE, is_sqlite

log = logging.getLogger(__name__)

#: rows sampled per index by ANALYZE on SQLite (approximate statistics are all the planner needs)
ANALYSIS_LIMIT = 1000


_TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
           "ORDER BY name")


def unanalysed(engine: Engine) -> list[str]:
    """SQLite: the tables with rows that the planner has no statistics for (ANALYZE records
    nothing for an empty table); [] on PostgreSQL."""
    if not is_sqlite(engine):
        return []
    with engine.connect() as conn:
        tables = [name for (name,) in conn.exec_driver_sql(_TABLES)]
        has_stat = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        ).first() is not None
        known = {name for (name,) in conn.exec_driver_sql(
            "SELECT DISTINCT tbl FROM sqlite_stat1")} if has_stat else set()
        return [name for name in tables if name not in known and conn.exec_driver_sql(
            'SELECT 1 FROM "' + name.replace('"', '""') + '" LIMIT 1').first() is not None]


def refresh(engine: Engine, *, bulk: bool = False) -> list[str]:
    """Bring the planner's statistics up to date; returns the tables analysed (SQLite: all after
    a bulk load, else those that had none; PostgreSQL: ["*"] after a bulk load, else [])."""
    if not is_sqlite(engine):
        if not bulk:
            return []
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        return ["*"]
    if bulk:
        with engine.connect() as conn:
            tables = [name for (name,) in conn.exec_driver_sql(_TABLES)]
    else:
        tables = unanalysed(engine)
    with engine.connect().execution_options(**WRITE) as conn:
        conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        for name in tables:
            conn.exec_driver_sql('ANALYZE "' + name.replace('"', '""') + '"')
        conn.exec_driver_sql("PRAGMA optimize")
        conn.commit()
    return tables


def after_commit(engine: Engine, *, bulk: bool = False) -> None:
    """refresh() once a write has committed (a day close, an import): a busy or failing store
    is logged, never turned into a failure of the write that is already done."""
    try:
        refresh(engine, bulk=bulk)
    except SQLAlchemyError as exc:
        log.warning("planner statistics not refreshed: %s", exc)
