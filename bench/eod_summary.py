"""The end-of-day summary of a busy day (about 3,000 tickets) on top of a year of history,
against the raw SQL aggregates.

The program's side is what the head's screen and `wealthtui eod` call:
`services.reports.eod(head, day)` (permission check, every section of the report: flow log,
tellers' balancing, authorisations, hand-offs, complaints, checklists, exceptions). The raw side
is the SQL aggregates that make up that report (recorded from the service with their parameters)
run on a plain `sqlite3` connection with every row fetched. The day is the last closed business
day of the database.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from stats import captured_sql, median, percentile

HEAD = ("8001", "246801")


@dataclass(frozen=True)
class EodResult:
    day: date
    tickets_that_day: int
    tickets_in_history: int
    history_days: int
    statements: int
    runs: int
    service_median: float
    service_p95: float
    raw_median: float
    raw_p95: float

    @property
    def ratio(self) -> float:
        return self.service_median / self.raw_median


def _replay(con: sqlite3.Connection, statements: list[tuple[str, object]]) -> None:
    for sql, params in statements:
        con.execute(sql, params or ()).fetchall()  # type: ignore[arg-type]
    if con.in_transaction:
        con.execute("COMMIT")


def measure(db: Path, *, runs: int = 15) -> EodResult:
    from wealthtui.config import load_settings
    from wealthtui.services import Services
    from wealthtui.store.engine import make_engine

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        day_text = con.execute("SELECT max(business_date) FROM business_day "
                               "WHERE status = 'closed'").fetchone()[0]
        tickets = con.execute("SELECT count(*) FROM ticket WHERE business_date = ?",
                              (day_text,)).fetchone()[0]
        history = con.execute("SELECT count(*), count(DISTINCT business_date) FROM ticket"
                              ).fetchone()
    day = date.fromisoformat(day_text)
    engine = make_engine(str(db))
    services = Services(engine, load_settings(environ={}))
    head = services.auth.login(*HEAD)
    raw = sqlite3.connect(str(db), isolation_level=None, check_same_thread=False)
    try:
        with captured_sql(engine) as sent:
            services.reports.eod(head, day)
        statements = list(sent)
        _replay(raw, statements)
        svc: list[float] = []
        base: list[float] = []
        for _ in range(runs):
            started = time.perf_counter()
            services.reports.eod(head, day)
            svc.append(time.perf_counter() - started)
            started = time.perf_counter()
            _replay(raw, statements)
            base.append(time.perf_counter() - started)
    finally:
        raw.close()
        engine.dispose()
    return EodResult(day, tickets, history[0], history[1], len(statements), runs, median(svc),
                     percentile(svc, 95), median(base), percentile(base, 95))
