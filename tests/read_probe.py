"""What a service call reads, for tests that assert reads proportional to what is shown
(issue 22): the rows the database hands back, the statements sent, and SQLite's query plans.

`probe_engine(url)` makes an engine whose connections count every row they return
(`Probe.rows`) and record every statement with its parameters (`Probe.statements`); `plans()`
asks SQLite for the plan of each recorded SELECT (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

from wealthtui.store.engine import is_sqlite, make_engine


@dataclass
class Probe:
    engine: Engine
    rows: int = 0
    statements: list[tuple[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self.rows = 0
        self.statements = []

    def selects(self) -> list[tuple[str, Any]]:
        return [(sql, params) for sql, params in self.statements
                if sql.lstrip().upper().startswith(("SELECT", "WITH"))]

    def plans(self) -> list[tuple[str, list[str]]]:
        """(statement, plan lines) of each recorded SELECT (SQLite only)."""
        assert is_sqlite(self.engine)
        out = []
        raw = self.engine.raw_connection()
        try:
            for sql, params in self.selects():
                cur = raw.cursor()
                cur.execute("EXPLAIN QUERY PLAN " + sql, params or ())
                out.append((sql, [str(row[3]) for row in cur.fetchall()]))
                cur.close()
        finally:
            raw.close()
        return out

    def full_scans(self, tables: set[str]) -> list[tuple[str, str]]:
        """Plan lines that read one of `tables` whole — `SCAN t`, with or without an index (a
        SCAN walks every entry; a SEARCH reads a range) —, with the statement."""
        found = []
        for sql, lines in self.plans():
            for line in lines:
                words = line.split()
                if len(words) >= 2 and words[0] == "SCAN" and words[1] in tables:
                    found.append((line, sql))
        return found


def probe_engine(url: str) -> Probe:
    engine = make_engine(url)
    probe = Probe(engine)

    @event.listens_for(engine, "connect")
    def _count_rows(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        if isinstance(dbapi_connection, sqlite3.Connection):
            def factory(_cursor: Any, row: tuple[Any, ...]) -> tuple[Any, ...]:
                probe.rows += 1
                return row

            dbapi_connection.row_factory = factory

    @event.listens_for(engine, "after_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        probe.statements.append((statement, parameters))
        if not isinstance(getattr(cursor, "connection", None), sqlite3.Connection):
            probe.rows += max(0, getattr(cursor, "rowcount", 0) or 0)

    return probe
